//! `KnownWithoutRecruits`: users this instance has seen without a recruit, so most users' `me { recruits }` costs
//! no query. Someone signing up with the user's code publishes [`Change::RecruitsChanged`] once committed, and
//! PostgreSQL's trigger on `referrals` tells the other instances. (A list that is not empty is read every time:
//! its recruits' names and restrictions belong to other modules and change without this module's knowledge.)
//!
//! `KnownCodes`: users' referral codes as this instance has read them. A user's code never changes once made, so
//! `me { referralCode }`, asked on every app open, costs no database round trip after the first; it is forgotten
//! when the account goes ([`Change::UserChanged`]).

use std::sync::Arc;

use cogo_kernel::{Change, ChangeFeed, KnownRows, Stale};

/// Users whose code is remembered, and users remembered without recruits; the least recently asked go first.
const REMEMBERED_USERS: usize = 100_000;

pub type KnownWithoutRecruits = KnownRows<()>;

pub fn known_without_recruits(changes: &ChangeFeed) -> Arc<KnownWithoutRecruits> {
    KnownRows::new(changes, REMEMBERED_USERS, |change| match change {
        Change::RecruitsChanged { recruiter_id } => Stale::One(*recruiter_id),
        _ => Stale::Nothing,
    })
}

pub type KnownCodes = KnownRows<String>;

pub fn known_codes(changes: &ChangeFeed) -> Arc<KnownCodes> {
    KnownRows::new(changes, REMEMBERED_USERS, |change| match change {
        Change::UserChanged { user_id } => Stale::One(*user_id),
        _ => Stale::Nothing,
    })
}
