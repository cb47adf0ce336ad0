//! The listener: plain TCP, or TLS with rustls when `COGO_TLS_CERT` and `COGO_TLS_KEY` name PEM files.

use std::net::SocketAddr;

use poem::listener::{Acceptor, AcceptorExt, BoxAcceptor, Listener, RustlsCertificate, RustlsConfig, TcpListener};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};

use crate::settings::TlsFiles;

/// Binds `addr`, with TLS when `tls` is set. The files are read and checked here, so a wrong path or a file that
/// is not PEM stops the start with a clear message instead of failing every handshake later.
pub async fn bind(addr: SocketAddr, tls: Option<&TlsFiles>) -> Result<BoxAcceptor, String> {
    let tcp = TcpListener::bind(addr.to_string());
    let bound = match tls {
        None => tcp.into_acceptor().await.map(AcceptorExt::boxed),
        Some(files) => {
            let (cert, key) = read_pem_pair(files)?;
            let config = RustlsConfig::new().fallback(RustlsCertificate::new().cert(cert).key(key));
            tcp.rustls(config).into_acceptor().await.map(AcceptorExt::boxed)
        }
    };
    bound.map_err(|e| format!("cannot listen on {addr}: {e}"))
}

fn read_pem_pair(files: &TlsFiles) -> Result<(Vec<u8>, Vec<u8>), String> {
    let read = |path: &std::path::Path| std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    let cert = read(&files.cert)?;
    let key = read(&files.key)?;
    let certs = CertificateDer::pem_slice_iter(&cert).collect::<Result<Vec<_>, _>>();
    if !matches!(certs, Ok(ref certs) if !certs.is_empty()) {
        return Err(format!("COGO_TLS_CERT: {} holds no PEM certificate", files.cert.display()));
    }
    // Never echo the key file's content: only whether it parses.
    if PrivateKeyDer::from_pem_slice(&key).is_err() {
        return Err(format!("COGO_TLS_KEY: {} holds no PEM private key", files.key.display()));
    }
    Ok((cert, key))
}

/// The port a bound acceptor listens on (0 if it cannot tell).
pub fn port_of(acceptor: &BoxAcceptor) -> u16 {
    acceptor.local_addr().first().and_then(|addr| addr.as_socket_addr().map(|a| a.port())).unwrap_or(0)
}
