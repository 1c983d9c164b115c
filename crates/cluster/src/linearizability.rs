//! A linearizability checker for single-key registers (reads and writes).
//!
//! A history is a list of operations with their invocation and completion
//! times. A write whose outcome is unknown (the client timed out) has no
//! completion: it may take effect at any point after its invocation, or never.
//! Failed reads are left out by the caller (they have no effect).
//!
//! The search is Wing & Gong's: repeatedly pick an operation that no pending
//! operation must precede (none completed before it was invoked), apply it to
//! the register, and backtrack on a mismatch; visited (set, value) states are
//! memoised. Example: `w(1)` completes at 10; `r() -> None` is invoked at 11:
//! not linearizable, the read must see 1.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

/// What an operation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationKind {
    Write { value: Vec<u8> },
    Read { observed: Option<Vec<u8>> },
}

/// One client operation on one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub key: Vec<u8>,
    pub kind: OperationKind,
    pub invoked_ms: u64,
    /// `None`: outcome unknown (timed-out write).
    pub completed_ms: Option<u64>,
}

/// Most operations per key the checker accepts (the visited set is a bitmask).
pub const MAX_OPERATIONS_PER_KEY: usize = 128;
/// Most search states explored per key before giving up as "too complex".
const MAX_STATES: usize = 2_000_000;

/// Why a history is not linearizable (or could not be checked).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinearizabilityError {
    #[error("key {key}: no linearization exists for {operations} operations")]
    NotLinearizable { key: String, operations: usize },
    #[error("key {key}: {operations} operations exceed the checker's limit of {MAX_OPERATIONS_PER_KEY}")]
    TooManyOperations { key: String, operations: usize },
    #[error("key {key}: search gave up after {MAX_STATES} states")]
    TooComplex { key: String },
}

/// Checks every key's sub-history; keys start absent.
pub fn check(history: &[Operation]) -> Result<(), LinearizabilityError> {
    let mut by_key: BTreeMap<&[u8], Vec<&Operation>> = BTreeMap::new();
    for operation in history {
        by_key.entry(&operation.key).or_default().push(operation);
    }
    for (key, operations) in by_key {
        check_key(key, &operations)?;
    }
    Ok(())
}

fn check_key(key: &[u8], all_operations: &[&Operation]) -> Result<(), LinearizabilityError> {
    let key_text = String::from_utf8_lossy(key).into_owned();
    // A write with unknown outcome whose value no read observed may be taken as
    // never applied: applying it could only make later reads see a value none
    // of them saw. Dropping such writes keeps the search small without
    // changing the verdict.
    let observed: BTreeSet<&[u8]> = all_operations
        .iter()
        .filter_map(|operation| match &operation.kind {
            OperationKind::Read { observed: Some(value) } => Some(value.as_slice()),
            _ => None,
        })
        .collect();
    let operations: Vec<&Operation> = all_operations
        .iter()
        .copied()
        .filter(|operation| match &operation.kind {
            OperationKind::Write { value } => operation.completed_ms.is_some() || observed.contains(value.as_slice()),
            OperationKind::Read { .. } => true,
        })
        .collect();
    let operations = operations.as_slice();
    if operations.len() > MAX_OPERATIONS_PER_KEY {
        return Err(LinearizabilityError::TooManyOperations { key: key_text, operations: operations.len() });
    }
    // Values are compared by id: 0 = absent, i + 1 = the value written by write i.
    let mut value_ids: BTreeMap<&[u8], u32> = BTreeMap::new();
    for (position, operation) in operations.iter().enumerate() {
        if let OperationKind::Write { value } = &operation.kind {
            value_ids.entry(value.as_slice()).or_insert(position as u32 + 1);
        }
    }
    let value_of = |value: &Option<Vec<u8>>| -> Option<u32> {
        match value {
            None => Some(0),
            Some(bytes) => value_ids.get(bytes.as_slice()).copied(),
        }
    };
    let count = operations.len();
    let required: u128 =
        operations.iter().enumerate().filter(|(_, op)| op.completed_ms.is_some()).fold(0, |mask, (i, _)| mask | (1 << i));
    // A read that observed a value nobody wrote can never be linearized.
    for operation in operations {
        if let OperationKind::Read { observed } = &operation.kind {
            if value_of(observed).is_none() {
                return Err(LinearizabilityError::NotLinearizable { key: key_text, operations: count });
            }
        }
    }
    let mut visited: BTreeSet<(u128, u32)> = BTreeSet::new();
    let mut stack: Vec<(u128, u32)> = vec![(0, 0)];
    while let Some((done, value)) = stack.pop() {
        if done & required == required {
            return Ok(());
        }
        if !visited.insert((done, value)) {
            continue;
        }
        if visited.len() > MAX_STATES {
            return Err(LinearizabilityError::TooComplex { key: key_text });
        }
        let earliest_completion = operations
            .iter()
            .enumerate()
            .filter(|(i, _)| done & (1 << i) == 0)
            .filter_map(|(_, op)| op.completed_ms)
            .min()
            .unwrap_or(u64::MAX);
        for (i, operation) in operations.iter().enumerate() {
            if done & (1 << i) != 0 || operation.invoked_ms > earliest_completion {
                continue;
            }
            match &operation.kind {
                OperationKind::Write { value: written } => {
                    let id = value_ids.get(written.as_slice()).copied().unwrap_or(0);
                    stack.push((done | (1 << i), id));
                }
                OperationKind::Read { observed } => {
                    if value_of(observed) == Some(value) {
                        stack.push((done | (1 << i), value));
                    }
                }
            }
        }
    }
    Err(LinearizabilityError::NotLinearizable { key: key_text, operations: count })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(value: &str, invoked_ms: u64, completed_ms: Option<u64>) -> Operation {
        Operation { key: b"k".to_vec(), kind: OperationKind::Write { value: value.into() }, invoked_ms, completed_ms }
    }

    fn read(observed: Option<&str>, invoked_ms: u64, completed_ms: u64) -> Operation {
        Operation {
            key: b"k".to_vec(),
            kind: OperationKind::Read { observed: observed.map(|value| value.into()) },
            invoked_ms,
            completed_ms: Some(completed_ms),
        }
    }

    #[test]
    fn a_read_after_a_completed_write_must_see_it() {
        assert!(check(&[write("1", 0, Some(10)), read(Some("1"), 11, 12)]).is_ok());
        assert!(check(&[write("1", 0, Some(10)), read(None, 11, 12)]).is_err());
    }

    #[test]
    fn a_read_concurrent_with_a_write_may_see_either_value() {
        assert!(check(&[write("1", 0, Some(10)), read(None, 5, 6)]).is_ok());
        assert!(check(&[write("1", 0, Some(10)), read(Some("1"), 5, 6)]).is_ok());
    }

    #[test]
    fn a_timed_out_write_may_apply_late_or_never() {
        let late = [write("1", 0, None), read(None, 5, 6), read(Some("1"), 20, 21)];
        assert!(check(&late).is_ok());
        let never = [write("1", 0, None), read(None, 50, 51)];
        assert!(check(&never).is_ok());
    }

    #[test]
    fn unobserved_timed_out_writes_do_not_blow_up_the_search() {
        let mut history: Vec<Operation> = (0..100).map(|i| write(&format!("lost{i}"), i, None)).collect();
        history.push(write("kept", 200, Some(201)));
        history.push(read(Some("kept"), 300, 301));
        assert!(check(&history).is_ok());
    }

    #[test]
    fn a_value_cannot_come_back_after_being_overwritten() {
        let history = [
            write("1", 0, Some(1)),
            write("2", 2, Some(3)),
            read(Some("2"), 4, 5),
            read(Some("1"), 6, 7),
        ];
        assert!(check(&history).is_err());
    }
}
