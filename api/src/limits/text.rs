//! The rules for client text, in the variables and in the document alike: bounded lengths, and no control
//! characters. PostgreSQL cannot store a NUL in text at all, and no input of CoGo needs a control character other
//! than tab and line breaks; caught here, before anything runs, they are the client's `BAD_USER_INPUT` instead of
//! an `INTERNAL` error deep inside a transaction.

use crate::settings::limits::{MAX_NAME_CHARS, MAX_STRING_CHARS};

/// What is wrong with a piece of client text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    TooLong { max: usize },
    ControlCharacter,
}

impl TextProblem {
    /// The message for `what` (a fixed description such as "a string", never the text itself).
    pub fn message(self, what: &str) -> String {
        match self {
            TextProblem::TooLong { max } => format!("{what} is longer than {max} characters"),
            TextProblem::ControlCharacter => {
                format!("{what} holds a control character (only tab, line feed and carriage return are allowed)")
            }
        }
    }
}

/// A control character no CoGo input may hold: C0 except tab, line feed and carriage return, and DEL.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}')
}

/// A string value: at most [`MAX_STRING_CHARS`] characters, no forbidden control character.
pub fn check_string(text: &str) -> Result<(), TextProblem> {
    check(text, MAX_STRING_CHARS)
}

/// A name or an object key: at most [`MAX_NAME_CHARS`] characters, no forbidden control character.
pub fn check_name(text: &str) -> Result<(), TextProblem> {
    check(text, MAX_NAME_CHARS)
}

fn check(text: &str, max: usize) -> Result<(), TextProblem> {
    // Bytes bound characters from above: only a long text pays for counting.
    if text.len() > max && text.chars().count() > max {
        return Err(TextProblem::TooLong { max });
    }
    if text.chars().any(is_forbidden_control) {
        return Err(TextProblem::ControlCharacter);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_and_line_breaks_pass_other_controls_do_not() {
        assert_eq!(check_string("line one\n\tline two\r\n"), Ok(()));
        for bad in ["nul\0", "bell\u{7}", "escape\u{1b}[0m", "delete\u{7f}", "vertical\u{b}tab"] {
            assert_eq!(check_string(bad), Err(TextProblem::ControlCharacter), "{bad:?}");
        }
        assert_eq!(check_string("Åsa Öberg, naïve café 🚶"), Ok(()));
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert_eq!(check_name(&"ö".repeat(MAX_NAME_CHARS)), Ok(()));
        assert_eq!(check_name(&"x".repeat(MAX_NAME_CHARS + 1)), Err(TextProblem::TooLong { max: MAX_NAME_CHARS }));
        assert_eq!(check_string(&"x".repeat(MAX_STRING_CHARS)), Ok(()));
        assert!(check_string(&"x".repeat(MAX_STRING_CHARS + 1)).is_err());
    }
}
