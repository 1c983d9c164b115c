//! The terminal's command history as a small pure struct: ↑ walks back, ↓ walks forward and
//! finally returns the line that was being typed before ↑ was first pressed.
//!
//! ```
//! use console::History;
//! let mut history = History::new(100);
//! history.push("etcdctl get /a");
//! history.push("etcdctl put /a 1");
//! assert_eq!(history.up("etcdctl de"), Some("etcdctl put /a 1".to_string()));
//! assert_eq!(history.up(""), Some("etcdctl get /a".to_string()));
//! assert_eq!(history.up(""), Some("etcdctl get /a".to_string())); // stays at the oldest
//! assert_eq!(history.down(), Some("etcdctl put /a 1".to_string()));
//! assert_eq!(history.down(), Some("etcdctl de".to_string()));    // back to the draft
//! assert_eq!(history.down(), None);
//! ```

use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    entries: VecDeque<String>,
    capacity_entries: usize,
    /// Index into `entries` while browsing; `None` when editing a fresh line.
    position: Option<usize>,
    /// The line being typed when browsing started.
    draft: String,
}

impl History {
    /// A history that keeps the newest `capacity_entries` lines (at least one).
    pub fn new(capacity_entries: usize) -> History {
        History {
            entries: VecDeque::new(),
            capacity_entries: capacity_entries.max(1),
            position: None,
            draft: String::new(),
        }
    }

    /// Records an executed line. Blank lines and a repeat of the previous line are not recorded
    /// (like bash's `ignoreboth`); browsing restarts from the newest entry.
    pub fn push(&mut self, line: &str) {
        self.position = None;
        self.draft.clear();
        if line.trim().is_empty() || self.entries.back().map(String::as_str) == Some(line) {
            return;
        }
        if self.entries.len() == self.capacity_entries {
            self.entries.pop_front();
        }
        self.entries.push_back(line.to_string());
    }

    /// ↑: the previous entry; `current_line` is kept as the draft when browsing starts.
    pub fn up(&mut self, current_line: &str) -> Option<String> {
        let next = match self.position {
            None => {
                if self.entries.is_empty() {
                    return None;
                }
                self.draft = current_line.to_string();
                self.entries.len() - 1
            }
            Some(position) => position.saturating_sub(1),
        };
        self.position = Some(next);
        self.entries.get(next).cloned()
    }

    /// ↓: the next entry, then the draft, then nothing.
    pub fn down(&mut self) -> Option<String> {
        let position = self.position?;
        if position + 1 < self.entries.len() {
            self.position = Some(position + 1);
            self.entries.get(position + 1).cloned()
        } else {
            self.position = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// The recorded lines, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_and_immediate_repeats_are_not_recorded() {
        let mut history = History::new(10);
        for line in ["a", "a", " ", "b", "a"] {
            history.push(line);
        }
        assert_eq!(history.entries().collect::<Vec<_>>(), vec!["a", "b", "a"]);
    }

    #[test]
    fn the_oldest_entry_is_dropped_when_full() {
        let mut history = History::new(2);
        for line in ["a", "b", "c"] {
            history.push(line);
        }
        assert_eq!(history.entries().collect::<Vec<_>>(), vec!["b", "c"]);
    }

    #[test]
    fn down_without_browsing_gives_nothing_and_up_on_empty_history_gives_nothing() {
        let mut history = History::new(5);
        assert_eq!(history.down(), None);
        assert_eq!(history.up("typed"), None);
    }

    #[test]
    fn pushing_a_line_restarts_browsing_from_the_newest() {
        let mut history = History::new(5);
        history.push("a");
        history.push("b");
        history.up("");
        history.up("");
        history.push("c");
        assert_eq!(history.up(""), Some("c".to_string()));
    }
}
