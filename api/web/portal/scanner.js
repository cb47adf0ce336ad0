// Optional camera scanning for the till, only where the browser has BarcodeDetector.
// A keyboard-wedge scanner needs none of this: it types into the code field.

export function cameraScanSupported() {
  return 'BarcodeDetector' in window && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/**
 * Shows the back camera in `video` and calls onCode(text) with the first code it sees, then
 * releases the camera. Resolves with a stop() function; rejects if the camera is unavailable.
 */
export async function startCameraScan(video, onCode) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  let stopped = false;
  let timer = 0;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  };
  try {
    const detector = new window.BarcodeDetector();
    video.srcObject = stream;
    await video.play();
    const tick = async () => {
      if (stopped) return;
      try {
        const found = (await detector.detect(video)).find((barcode) => barcode.rawValue);
        if (found) {
          stop();
          onCode(found.rawValue);
          return;
        }
      } catch {
        // The first frames may not be ready yet; try again shortly.
      }
      timer = setTimeout(tick, 200);
    };
    tick();
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}
