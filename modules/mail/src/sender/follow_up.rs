//! When the sender looks again after it was woken by a local enqueue. The wake-up comes from inside the
//! transaction that queued the mail, before it commits, and the commit comes at a moment the sender cannot know: so
//! it looks at once, then after 25 ms, 50 ms, 100 ms, … for a few seconds. A mail is usually out within a fraction
//! of a second of its commit; one whose transaction takes longer is found by the regular poll.

use std::time::{Duration, Instant};

/// The first look after a wake-up.
const FIRST: Duration = Duration::from_millis(25);

/// How long after a wake-up the sender keeps looking often.
const WINDOW: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub struct FollowUp {
    /// The next wait and when the window closes; `None` when idle.
    active: Option<(Duration, Instant)>,
}

impl FollowUp {
    /// A mail was queued here just now.
    pub fn woken(&mut self, now: Instant) {
        self.active = Some((FIRST, now + WINDOW));
    }

    /// How long to sleep before looking again: the follow-up's next wait inside its window, else `poll`.
    pub fn next_wait(&mut self, now: Instant, poll: Duration) -> Duration {
        match self.active {
            Some((wait, until)) if now < until => {
                self.active = Some((wait.saturating_mul(2), until));
                wait.min(poll)
            }
            _ => {
                self.active = None;
                poll
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: Duration = Duration::from_secs(5);

    #[test]
    fn idle_the_sender_polls_at_its_interval() {
        assert_eq!(FollowUp::default().next_wait(Instant::now(), POLL), POLL);
    }

    #[test]
    fn after_a_wake_up_it_looks_soon_then_less_and_less_often() {
        let start = Instant::now();
        let mut follow_up = FollowUp::default();
        follow_up.woken(start);
        let waits: Vec<u64> = (0..4).map(|_| follow_up.next_wait(start, POLL).as_millis() as u64).collect();
        assert_eq!(waits, [25, 50, 100, 200]);
    }

    #[test]
    fn the_window_closes_and_a_wait_never_exceeds_the_poll() {
        let start = Instant::now();
        let mut follow_up = FollowUp::default();
        follow_up.woken(start);
        for _ in 0..20 {
            assert!(follow_up.next_wait(start, POLL) <= POLL);
        }
        follow_up.woken(start);
        assert_eq!(follow_up.next_wait(start + WINDOW, POLL), POLL);
        assert_eq!(follow_up.next_wait(start, POLL), POLL, "closed until the next wake-up");
    }
}
