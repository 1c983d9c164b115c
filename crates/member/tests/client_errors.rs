//! Client-visible errors carry etcd's exact text (etcd-semantics.md 1.6, 3.5).

use etcd_member::ClientError;

#[test]
fn errors_print_what_etcdctl_prints() {
    assert_eq!(ClientError::DeadlineExceeded.to_string(), "context deadline exceeded");
    assert_eq!(ClientError::RequestTimedOut.to_string(), "etcdserver: request timed out");
    assert_eq!(ClientError::NoLeader.to_string(), "etcdserver: no leader");
    assert_eq!(ClientError::LeaderChanged.to_string(), "etcdserver: leader changed");
    assert_eq!(
        ClientError::Mvcc(mvcc::MvccError::Compacted).to_string(),
        "etcdserver: mvcc: required revision has been compacted"
    );
}
