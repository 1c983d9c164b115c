//! Splitting a command line into words the way a POSIX shell does before etcdctl sees `argv`.
//!
//! ```
//! use console::words::split_words;
//! let words = split_words(r#"etcdctl put /a '{"x":1}' "say \"hi\"" # comment"#).unwrap();
//! assert_eq!(words, ["etcdctl", "put", "/a", r#"{"x":1}"#, r#"say "hi""#]);
//! ```
//!
//! Supported: blanks between words, 'single quotes' (literal), "double quotes" (with `\"`, `\\`,
//! `\$`, `` \` `` escapes), backslash escapes outside quotes, adjacent quoted parts joined into one
//! word (`a'b'"c"` = `abc`), `#` comments at the start of a word. Not supported (the console has no
//! processes or files): pipes, redirections, `;`, `&&`, variable expansion (`$X` stays literal).

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// An opening quote without its closing one; the text is bash's.
    UnterminatedQuote(char),
    /// `|`, `>`, `<`, `;` or `&` outside quotes.
    Unsupported(String),
}

impl SplitError {
    /// The message bash prints (`bash: -c: line 1: ...`) or the console's own for unsupported syntax.
    pub fn message(&self) -> String {
        match self {
            SplitError::UnterminatedQuote(quote) => {
                format!("bash: unexpected EOF while looking for matching `{quote}'\n")
            }
            SplitError::Unsupported(token) => format!(
                "console: `{token}` is not supported here (no pipes, redirections or command lists)\n"
            ),
        }
    }
}

/// Splits `line` into words (see the module docs).
pub fn split_words(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut characters = line.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match characters.next() {
                        Some('\'') => break,
                        Some(inner) => current.push(inner),
                        None => return Err(SplitError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match characters.next() {
                        Some('"') => break,
                        Some('\\') => match characters.next() {
                            Some(escaped @ ('"' | '\\' | '$' | '`')) => current.push(escaped),
                            Some('\n') => {}
                            Some(other) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => return Err(SplitError::UnterminatedQuote('"')),
                        },
                        Some(inner) => current.push(inner),
                        None => return Err(SplitError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match characters.next() {
                    Some('\n') => {}
                    Some(escaped) => current.push(escaped),
                    None => {}
                }
            }
            '|' | ';' | '&' | '<' | '>' => {
                let mut token = character.to_string();
                if let Some(&next) = characters.peek() {
                    if next == character {
                        token.push(next);
                    }
                }
                return Err(SplitError::Unsupported(token));
            }
            other => {
                in_word = true;
                current.push(other);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

/// Quotes a word so that [`split_words`] gives it back unchanged (used by completion).
pub fn quote_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.:=,@+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r#"'"'"'"#))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_join_into_one_word_and_keep_their_content() {
        assert_eq!(split_words(r#"a'b c'"d\"e""#).unwrap(), vec![r#"ab cd"e"#]);
        assert_eq!(
            split_words(r#"put '' value"#).unwrap(),
            vec!["put", "", "value"]
        );
        assert_eq!(split_words(r#"x\ y "\n""#).unwrap(), vec!["x y", "\\n"]);
    }

    #[test]
    fn a_hash_starts_a_comment_only_at_the_start_of_a_word() {
        assert_eq!(split_words("get a#b # rest").unwrap(), vec!["get", "a#b"]);
    }

    #[test]
    fn unterminated_quotes_and_pipes_are_errors_not_panics() {
        assert_eq!(
            split_words("put 'a"),
            Err(SplitError::UnterminatedQuote('\''))
        );
        assert_eq!(
            split_words("get a | jq"),
            Err(SplitError::Unsupported("|".into()))
        );
        assert_eq!(
            split_words("a && b"),
            Err(SplitError::Unsupported("&&".into()))
        );
    }

    #[test]
    fn quoting_a_word_round_trips_through_the_splitter() {
        for word in ["plain", "", "with space", "it's", "{\"a\":1}", "a'b\"c"] {
            assert_eq!(
                split_words(&quote_word(word)).unwrap(),
                vec![word.to_string()]
            );
        }
    }
}
