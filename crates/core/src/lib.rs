//! Facts about etcd clusters that every layer of the playground shares.
//!
//! One shared [`sort`] keeps the page small (see its module docs). The facts:
//! the quorum arithmetic of the etcd FAQ ("What is failure
//! tolerance?"): a cluster of `n` voting members commits a write once a
//! majority, `n / 2 + 1`, has it in its log, so it survives `n - majority`
//! failed members.
//!
//! ```
//! use playground_core::quorum::{quorum_row, MemberCount};
//!
//! let three = quorum_row(MemberCount::new(3).unwrap());
//! assert_eq!((three.quorum_size, three.failures_tolerated), (2, 1));
//! // A fourth member raises the quorum to 3 but still tolerates one failure.
//! let four = quorum_row(MemberCount::new(4).unwrap());
//! assert_eq!((four.quorum_size, four.failures_tolerated), (3, 1));
//! ```

pub mod quorum;
pub mod sort;
pub mod time;
