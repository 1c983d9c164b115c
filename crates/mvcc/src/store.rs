//! The store: one etcd member's whole KV state machine (etcd's `mvcc/kvstore*.go` and the
//! `applierV3backend` of `etcdserver/apply.go`).
//!
//! Every write request runs as one *write batch*: all its changes get the main revision
//! `revision() + 1` and sub revisions 0, 1, 2, ...; if the batch changed nothing (a delete that
//! matched nothing, a txn whose branch only reads) the store revision stays where it was.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use serde::{Deserialize, Serialize};

use crate::error::MvccError;
use crate::go_sort;
use crate::key_index::{key_value, Entry, KeyIndex};
use crate::request_size;
use crate::txn_checks::{self, MAX_TXN_OPERATIONS};
use crate::types::*;
use crate::watch::Watches;

/// etcd's `MaxLeaseTTL`.
const MAX_LEASE_TTL_SECONDS: i64 = 9_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Lease {
    pub(crate) ttl_seconds: i64,
    /// Keys whose newest revision carries this lease.
    pub(crate) keys: BTreeSet<Vec<u8>>,
}

/// The changes of one write request, in order. `main` is the revision they all share.
pub(crate) struct WriteBatch {
    pub(crate) main: i64,
    pub(crate) changes: Vec<Change>,
}

pub(crate) struct Change {
    pub(crate) key: Vec<u8>,
    pub(crate) revision: Revision,
    pub(crate) kind: EventType,
}

impl WriteBatch {
    /// The revision a read inside this batch sees (etcd's `storeTxnWrite.Range`).
    fn read_revision(&self) -> i64 {
        if self.changes.is_empty() {
            self.main - 1
        } else {
            self.main
        }
    }
}

/// Which branch each txn took: this txn's own result, then one entry per nested txn of the branch taken.
struct TxnPath {
    succeeded: bool,
    nested: Vec<TxnPath>,
}

/// The serialisable KV history of a store (no watchers). See [`Store::snapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSnapshot {
    revision: i64,
    compact_main_revision: i64,
    keys: Vec<(Vec<u8>, KeyIndex)>,
    /// (lease id, granted TTL in seconds)
    leases: Vec<(i64, i64)>,
}

/// One etcd member's MVCC state machine. See the crate docs for a worked example.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) current_revision: i64,
    /// -1 until the first compaction, as in etcd (it matters for a few edge cases such as `compaction 0`).
    pub(crate) compact_main_revision: i64,
    pub(crate) index: BTreeMap<Box<[u8]>, KeyIndex>,
    pub(crate) leases: BTreeMap<i64, Lease>,
    pub(crate) watches: Watches,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

/// The keys of `[key, range_end)` in etcd's conventions, as a map range. An inverted range is empty.
pub(crate) fn index_range<'a>(
    index: &'a BTreeMap<Box<[u8]>, KeyIndex>,
    key: &[u8],
    range_end: &[u8],
) -> std::collections::btree_map::Range<'a, Box<[u8]>, KeyIndex> {
    if range_end.is_empty() {
        index.range::<[u8], _>((Bound::Included(key), Bound::Included(key)))
    } else if range_end == [0] {
        index.range::<[u8], _>((Bound::Included(key), Bound::Unbounded))
    } else if range_end <= key {
        index.range::<[u8], _>((Bound::Included(key), Bound::Excluded(key)))
    } else {
        index.range::<[u8], _>((Bound::Included(key), Bound::Excluded(range_end)))
    }
}

fn compare_numbers(left: i64, right: i64) -> std::cmp::Ordering {
    left.cmp(&right)
}

impl Store {
    /// An empty store at revision 1, as a brand-new etcd.
    pub fn new() -> Store {
        Store {
            current_revision: 1,
            compact_main_revision: -1,
            index: BTreeMap::new(),
            leases: BTreeMap::new(),
            watches: Watches::default(),
        }
    }

    /// The current store revision (the `header.revision` of a read now).
    pub fn revision(&self) -> i64 {
        self.current_revision
    }

    /// The revision of the last compaction, 0 if never compacted.
    pub fn compact_revision(&self) -> i64 {
        self.compact_main_revision.max(0)
    }

    // ----- reads -------------------------------------------------------------------------

    /// A Range at the current revision (or at `request.revision` in the past).
    pub fn range(&self, request: &RangeRequest) -> Result<RangeResponse, MvccError> {
        if request.key.is_empty() {
            return Err(MvccError::EmptyKey);
        }
        self.range_in_view(request, self.current_revision)
    }

    /// etcd's `rangeKeys` + `applierV3backend.Range`, reading a view whose revision is `view_revision`.
    fn range_in_view(
        &self,
        request: &RangeRequest,
        view_revision: i64,
    ) -> Result<RangeResponse, MvccError> {
        let mut at = request.revision;
        if at > view_revision {
            return Err(MvccError::FutureRevision);
        }
        if at <= 0 {
            at = view_revision;
        }
        if at < self.compact_main_revision {
            return Err(MvccError::Compacted);
        }
        let mut sort_order = request.sort_order;
        if request.sort_target != SortTarget::Key && sort_order == SortOrder::None {
            // etcd: results come sorted by key, so another target means "ascend" by default.
            sort_order = SortOrder::Ascend;
        }
        // As etcd: without an explicit sort order only `limit + 1` keys are fetched (the extra
        // one tells `more`), and a non-key sort target then sorts just those. `count` covers all.
        let materialize = if request.count_only {
            0
        } else if request.sort_order != SortOrder::None || request.limit <= 0 {
            usize::MAX
        } else {
            usize::try_from(request.limit).map_or(usize::MAX, |limit| limit.saturating_add(1))
        };
        // etcd drops values only after sorting, so a keys-only range can still sort by value.
        let strip_values_now = request.keys_only && sort_order == SortOrder::None;
        let mut count: i64 = 0;
        let mut kvs = Vec::new();
        if request.range_end.is_empty() {
            if let Some(key_index) = self.index.get(request.key.as_slice()) {
                if let Some(entry) = key_index.at(at) {
                    count = 1;
                    if kvs.len() < materialize {
                        kvs.push(key_value(&request.key, entry, strip_values_now));
                    }
                }
            }
        } else {
            for (key, key_index) in index_range(&self.index, &request.key, &request.range_end) {
                if let Some(entry) = key_index.at(at) {
                    count += 1;
                    if kvs.len() < materialize {
                        kvs.push(key_value(key, entry, strip_values_now));
                    }
                }
            }
        }
        if sort_order != SortOrder::None && kvs.len() > 1 {
            sort_key_values(&mut kvs, request.sort_target, sort_order);
        }
        let mut more = false;
        if request.limit > 0 && kvs.len() as i64 > request.limit {
            kvs.truncate(request.limit as usize);
            more = true;
        }
        if request.keys_only && !strip_values_now {
            for kv in &mut kvs {
                kv.value = Vec::new();
            }
        }
        Ok(RangeResponse {
            header: ResponseHeader {
                revision: view_revision,
            },
            kvs,
            more,
            count,
        })
    }

    /// The keys of `[key, range_end)` (etcd's range conventions) that are deleted at
    /// `revision` (0 = now): each with its delete revision and the put before it, sorted by
    /// key. A read-only view of the key index for teaching, not an etcd RPC: only tombstones the
    /// index still holds appear, so a key deleted at or before the compaction revision is
    /// simply gone, as in etcd. The same errors as a [`Store::range`] at that revision.
    ///
    /// ```
    /// use mvcc::{DeleteRangeRequest, PutRequest, Store};
    /// let mut store = Store::new();
    /// store.put(PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() }).unwrap(); // r2
    /// store.delete_range(DeleteRangeRequest { key: b"k".to_vec(), ..Default::default() }).unwrap(); // r3
    /// let deleted = store.deleted_keys(b"k", b"", 0).unwrap();
    /// assert_eq!(deleted[0].deleted_revision, 3);
    /// assert_eq!(deleted[0].last_live.as_ref().map(|kv| (kv.mod_revision, kv.version)), Some((2, 1)));
    /// assert!(store.deleted_keys(b"k", b"", 2).unwrap().is_empty()); // alive at r2
    /// ```
    pub fn deleted_keys(
        &self,
        key: &[u8],
        range_end: &[u8],
        revision: i64,
    ) -> Result<Vec<DeletedKey>, MvccError> {
        if key.is_empty() {
            return Err(MvccError::EmptyKey);
        }
        if revision > self.current_revision {
            return Err(MvccError::FutureRevision);
        }
        let at = if revision <= 0 {
            self.current_revision
        } else {
            revision
        };
        if at < self.compact_main_revision {
            return Err(MvccError::Compacted);
        }
        Ok(index_range(&self.index, key, range_end)
            .filter_map(|(key, key_index)| {
                let (tombstone, previous) = key_index.tombstone_at(at)?;
                Some(DeletedKey {
                    key: key.to_vec(),
                    deleted_revision: tombstone.main,
                    last_live: previous.map(|entry| key_value(key, entry, false)),
                })
            })
            .collect())
    }

    /// The keys of `[key, range_end)` (etcd's range conventions) written or deleted after
    /// main revision `revision`, sorted: what a listing read at `revision` must read again to
    /// be current. A read for the UI, not an etcd RPC. It compares each key's cached newest
    /// revision and copies nothing else, so it is much cheaper than the range it saves.
    /// A key compacted away entirely is not listed (a compaction changes
    /// [`Store::compact_revision`]: read the whole range again then).
    ///
    /// ```
    /// use mvcc::{DeleteRangeRequest, PutRequest, Store};
    /// let mut store = Store::new();
    /// let put = |key: &[u8]| PutRequest { key: key.to_vec(), value: b"v".to_vec(), ..Default::default() };
    /// store.put(put(b"a")).unwrap(); // r2
    /// store.put(put(b"b")).unwrap(); // r3
    /// store.delete_range(DeleteRangeRequest { key: b"a".to_vec(), ..Default::default() }).unwrap(); // r4
    /// assert_eq!(store.keys_changed_since(b"a", b"c", 2), vec![b"a".to_vec(), b"b".to_vec()]);
    /// assert_eq!(store.keys_changed_since(b"a", b"c", 3), vec![b"a".to_vec()]);
    /// assert!(store.keys_changed_since(b"a", b"c", 4).is_empty());
    /// ```
    pub fn keys_changed_since(&self, key: &[u8], range_end: &[u8], revision: i64) -> Vec<Vec<u8>> {
        if key.is_empty() {
            return Vec::new();
        }
        index_range(&self.index, key, range_end)
            .filter(|(_, key_index)| key_index.revision_bounds().1 > revision)
            .map(|(key, _)| key.to_vec())
            .collect()
    }

    /// The alive key-value of `key` at main revision `at` (None if absent, deleted or compacted).
    pub(crate) fn key_value_at(&self, key: &[u8], at: i64) -> Option<KeyValue> {
        if at < self.compact_main_revision || at <= 0 {
            return None;
        }
        let key_index = self.index.get(key)?;
        key_index.at(at).map(|entry| key_value(key, entry, false))
    }

    // ----- writes ------------------------------------------------------------------------

    fn begin_write(&self) -> WriteBatch {
        WriteBatch {
            main: self.current_revision + 1,
            changes: Vec::new(),
        }
    }

    fn finish_write(&mut self, batch: WriteBatch) {
        if batch.changes.is_empty() {
            return;
        }
        self.current_revision = batch.main;
        if !self.watches.is_empty() {
            self.notify_watches(&batch);
        }
    }

    fn put_in_batch(&mut self, batch: &mut WriteBatch, request: PutRequest) -> PutResponse {
        let revision = Revision {
            main: batch.main,
            sub: batch.changes.len() as i64,
        };
        let PutRequest {
            key,
            value,
            lease,
            prev_kv,
        } = request;
        let key_index = match self.index.get_mut(key.as_slice()) {
            Some(key_index) => key_index,
            None => self
                .index
                .entry(key.clone().into_boxed_slice())
                .or_default(),
        };
        let previous = key_index.latest();
        let previous_kv = match previous {
            Some(entry) if prev_kv => Some(key_value(&key, entry, false)),
            _ => None,
        };
        let old_lease = previous.map_or(0, |entry| entry.lease);
        key_index.put(revision, value.into(), lease);
        if old_lease != lease {
            if old_lease != 0 {
                if let Some(old) = self.leases.get_mut(&old_lease) {
                    old.keys.remove(&key);
                }
            }
            if lease != 0 {
                if let Some(new) = self.leases.get_mut(&lease) {
                    new.keys.insert(key.clone());
                }
            }
        }
        batch.changes.push(Change {
            key,
            revision,
            kind: EventType::Put,
        });
        PutResponse {
            header: ResponseHeader {
                revision: batch.main,
            },
            prev_kv: previous_kv,
        }
    }

    fn delete_in_batch(
        &mut self,
        batch: &mut WriteBatch,
        request: &DeleteRangeRequest,
    ) -> DeleteRangeResponse {
        let mut doomed: Vec<(Vec<u8>, i64)> = Vec::new();
        let mut prev_kvs = Vec::new();
        for (key, key_index) in index_range(&self.index, &request.key, &request.range_end) {
            if let Some(entry) = key_index.latest() {
                if request.prev_kv {
                    prev_kvs.push(key_value(key, entry, false));
                }
                doomed.push((key.to_vec(), entry.lease));
            }
        }
        let deleted = doomed.len() as i64;
        for (key, lease) in doomed {
            let revision = Revision {
                main: batch.main,
                sub: batch.changes.len() as i64,
            };
            if let Some(key_index) = self.index.get_mut(key.as_slice()) {
                key_index.tombstone(revision);
            }
            if lease != 0 {
                if let Some(lease) = self.leases.get_mut(&lease) {
                    lease.keys.remove(&key);
                }
            }
            batch.changes.push(Change {
                key,
                revision,
                kind: EventType::Delete,
            });
        }
        let revision = if deleted != 0 || !batch.changes.is_empty() {
            batch.main
        } else {
            batch.main - 1
        };
        DeleteRangeResponse {
            header: ResponseHeader { revision },
            deleted,
            prev_kvs,
        }
    }

    /// Writes `key`. An identical value still creates a revision and bumps the version.
    pub fn put(&mut self, request: PutRequest) -> Result<PutResponse, MvccError> {
        if request.key.is_empty() {
            return Err(MvccError::EmptyKey);
        }
        if !request_size::fits(request_size::put_bytes(&request)) {
            return Err(MvccError::RequestTooLarge);
        }
        if request.lease != 0 && !self.leases.contains_key(&request.lease) {
            return Err(MvccError::LeaseNotFound);
        }
        let mut batch = self.begin_write();
        let response = self.put_in_batch(&mut batch, request);
        self.finish_write(batch);
        Ok(response)
    }

    /// Deletes every key in the range in one revision; deleting nothing creates no revision.
    pub fn delete_range(
        &mut self,
        request: DeleteRangeRequest,
    ) -> Result<DeleteRangeResponse, MvccError> {
        if request.key.is_empty() {
            return Err(MvccError::EmptyKey);
        }
        if !request_size::fits(request_size::delete_range_bytes(&request)) {
            return Err(MvccError::RequestTooLarge);
        }
        let mut batch = self.begin_write();
        let response = self.delete_in_batch(&mut batch, &request);
        self.finish_write(batch);
        Ok(response)
    }

    /// If(all compares) Then(success) Else(failure); all writes share one revision.
    pub fn txn(&mut self, request: TxnRequest) -> Result<TxnResponse, MvccError> {
        txn_checks::check_txn_request(&request, MAX_TXN_OPERATIONS)?;
        txn_checks::check_intervals(&request.success)?;
        txn_checks::check_intervals(&request.failure)?;
        let is_write = !is_read_only(&request, 0);
        if is_write && !request_size::fits(request_size::txn_bytes(&request)) {
            return Err(MvccError::RequestTooLarge);
        }
        // All compares, nested ones included, see the store as it was before the txn.
        let path = self.compare_to_path(&request, 0);
        if is_write {
            self.check_branch(&request, &path, &|store, op| store.check_put(op), 0)?;
        }
        self.check_branch(&request, &path, &|store, op| store.check_range(op), 0)?;
        let mut batch = self.begin_write();
        let mut response = self.apply_txn(&mut batch, request, &path, 0);
        response.header.revision = if batch.changes.is_empty() {
            self.current_revision
        } else {
            batch.main
        };
        self.finish_write(batch);
        Ok(response)
    }

    fn compare_holds(&self, compare: &Compare) -> bool {
        let mut any = false;
        for (_, key_index) in index_range(&self.index, &compare.key, &compare.range_end) {
            let Some(entry) = key_index.latest() else {
                continue;
            };
            any = true;
            let ordering = match &compare.target {
                CompareTarget::Version(version) => compare_numbers(entry.version, *version),
                CompareTarget::CreateRevision(revision) => {
                    compare_numbers(entry.created, *revision)
                }
                CompareTarget::ModRevision(revision) => compare_numbers(entry.main, *revision),
                CompareTarget::Value(value) => entry.value.as_ref().cmp(value.as_slice()),
            };
            if !compare_result_holds(compare.result, ordering) {
                return false;
            }
        }
        if any {
            return true;
        }
        // No key: compare against zeros, except that a value compare always fails.
        let ordering = match &compare.target {
            CompareTarget::Value(_) => return false,
            CompareTarget::Version(number)
            | CompareTarget::CreateRevision(number)
            | CompareTarget::ModRevision(number) => compare_numbers(0, *number),
        };
        compare_result_holds(compare.result, ordering)
    }

    fn compare_to_path(&self, request: &TxnRequest, depth: usize) -> TxnPath {
        let succeeded = request
            .compare
            .iter()
            .all(|compare| self.compare_holds(compare));
        let ops = if succeeded {
            &request.success
        } else {
            &request.failure
        };
        let mut nested = Vec::new();
        if depth < MAX_TXN_DEPTH {
            for op in ops {
                if let RequestOp::Txn(inner) = op {
                    nested.push(self.compare_to_path(inner, depth + 1));
                }
            }
        }
        TxnPath { succeeded, nested }
    }

    fn check_branch(
        &self,
        request: &TxnRequest,
        path: &TxnPath,
        check: &dyn Fn(&Store, &RequestOp) -> Result<(), MvccError>,
        depth: usize,
    ) -> Result<(), MvccError> {
        let ops = if path.succeeded {
            &request.success
        } else {
            &request.failure
        };
        let mut nested = path.nested.iter();
        for op in ops {
            if let RequestOp::Txn(inner) = op {
                match nested.next() {
                    Some(inner_path) if depth < MAX_TXN_DEPTH => {
                        self.check_branch(inner, inner_path, check, depth + 1)?
                    }
                    _ => return Err(MvccError::TooManyOperations),
                }
                continue;
            }
            check(self, op)?;
        }
        Ok(())
    }

    fn check_put(&self, op: &RequestOp) -> Result<(), MvccError> {
        if let RequestOp::Put(put) = op {
            if put.lease != 0 && !self.leases.contains_key(&put.lease) {
                return Err(MvccError::LeaseNotFound);
            }
        }
        Ok(())
    }

    fn check_range(&self, op: &RequestOp) -> Result<(), MvccError> {
        if let RequestOp::Range(range) = op {
            if range.revision == 0 {
                return Ok(());
            }
            if range.revision > self.current_revision {
                return Err(MvccError::FutureRevision);
            }
            // etcd compares against the raw compaction revision (-1 before any compaction), so a
            // negative revision inside a txn fails once the store has been compacted.
            if range.revision < self.compact_main_revision {
                return Err(MvccError::Compacted);
            }
        }
        Ok(())
    }

    fn apply_txn(
        &mut self,
        batch: &mut WriteBatch,
        request: TxnRequest,
        path: &TxnPath,
        depth: usize,
    ) -> TxnResponse {
        let TxnRequest {
            success, failure, ..
        } = request;
        let ops = if path.succeeded { success } else { failure };
        let mut nested = path.nested.iter();
        let mut responses = Vec::with_capacity(ops.len());
        for op in ops {
            let response = match op {
                RequestOp::Range(range) => {
                    let result = self.range_in_view(&range, batch.read_revision());
                    debug_assert!(result.is_ok(), "txn range failed after its checks passed");
                    ResponseOp::Range(result.unwrap_or_default())
                }
                RequestOp::Put(put) => ResponseOp::Put(self.put_in_batch(batch, put)),
                RequestOp::DeleteRange(delete) => {
                    ResponseOp::DeleteRange(self.delete_in_batch(batch, &delete))
                }
                RequestOp::Txn(inner) => {
                    let inner_response = match nested.next() {
                        Some(inner_path) if depth < MAX_TXN_DEPTH => {
                            self.apply_txn(batch, inner, inner_path, depth + 1)
                        }
                        _ => TxnResponse::default(),
                    };
                    ResponseOp::Txn(inner_response)
                }
            };
            responses.push(response);
        }
        // Nested txns keep an empty header, as in etcd; the caller fills in the outer one.
        TxnResponse {
            header: ResponseHeader::default(),
            succeeded: path.succeeded,
            responses,
        }
    }

    /// Makes every revision below `request.revision` unreadable; `request.revision` itself stays readable.
    pub fn compact(&mut self, request: CompactionRequest) -> Result<CompactionResponse, MvccError> {
        if !request_size::fits(request_size::compaction_bytes(&request)) {
            return Err(MvccError::RequestTooLarge);
        }
        let at = request.revision;
        if at <= self.compact_main_revision {
            return Err(MvccError::Compacted);
        }
        if at > self.current_revision {
            return Err(MvccError::FutureRevision);
        }
        self.compact_main_revision = at;
        self.index.retain(|_, key_index| !key_index.compact(at));
        Ok(CompactionResponse {
            header: ResponseHeader {
                revision: self.current_revision,
            },
        })
    }

    /// Grants a lease (no revision). Expiry is the member layer's job.
    pub fn lease_grant(
        &mut self,
        request: LeaseGrantRequest,
    ) -> Result<LeaseGrantResponse, MvccError> {
        if !request_size::fits(request_size::lease_grant_bytes(&request)) {
            return Err(MvccError::RequestTooLarge);
        }
        if request.ttl_seconds > MAX_LEASE_TTL_SECONDS {
            return Err(MvccError::LeaseTtlTooLarge);
        }
        let id = if request.id == 0 {
            // The smallest unused positive id; bounded by the number of leases.
            let mut candidate = 1;
            for existing in self.leases.keys() {
                if *existing == candidate {
                    candidate += 1;
                } else if *existing > candidate {
                    break;
                }
            }
            candidate
        } else {
            request.id
        };
        if self.leases.contains_key(&id) {
            return Err(MvccError::LeaseExists);
        }
        self.leases.insert(
            id,
            Lease {
                ttl_seconds: request.ttl_seconds,
                keys: BTreeSet::new(),
            },
        );
        Ok(LeaseGrantResponse {
            header: ResponseHeader {
                revision: self.current_revision,
            },
            id,
            ttl_seconds: request.ttl_seconds,
        })
    }

    /// Revokes a lease and deletes its keys (sorted, one revision for all; none if it had no keys).
    pub fn lease_revoke(
        &mut self,
        request: LeaseRevokeRequest,
    ) -> Result<LeaseRevokeResponse, MvccError> {
        if !request_size::fits(request_size::lease_revoke_bytes(&request)) {
            return Err(MvccError::RequestTooLarge);
        }
        let Some(lease) = self.leases.remove(&request.id) else {
            return Err(MvccError::LeaseNotFound);
        };
        let mut batch = self.begin_write();
        for key in lease.keys {
            let delete = DeleteRangeRequest {
                key,
                range_end: Vec::new(),
                prev_kv: false,
            };
            self.delete_in_batch(&mut batch, &delete);
        }
        self.finish_write(batch);
        Ok(LeaseRevokeResponse {
            header: ResponseHeader {
                revision: self.current_revision,
            },
        })
    }

    /// The leases that exist, with their attached keys, ordered by id.
    pub fn leases(&self) -> Vec<LeaseInfo> {
        self.leases
            .iter()
            .map(|(id, lease)| LeaseInfo {
                id: *id,
                ttl_seconds: lease.ttl_seconds,
                keys: lease.keys.iter().cloned().collect(),
            })
            .collect()
    }

    /// Applies one Raft log entry.
    pub fn apply(&mut self, request: WriteRequest) -> Result<WriteResponse, MvccError> {
        Ok(match request {
            WriteRequest::Put(put) => WriteResponse::Put(self.put(put)?),
            WriteRequest::DeleteRange(delete) => {
                WriteResponse::DeleteRange(self.delete_range(delete)?)
            }
            WriteRequest::Txn(txn) => WriteResponse::Txn(self.txn(txn)?),
            WriteRequest::Compaction(compaction) => {
                WriteResponse::Compaction(self.compact(compaction)?)
            }
            WriteRequest::LeaseGrant(grant) => WriteResponse::LeaseGrant(self.lease_grant(grant)?),
            WriteRequest::LeaseRevoke(revoke) => {
                WriteResponse::LeaseRevoke(self.lease_revoke(revoke)?)
            }
        })
    }

    // ----- snapshot, hash, introspection ------------------------------------------------

    /// The KV history and leases (watchers are volatile and not included).
    pub fn snapshot(&self) -> StoreSnapshot {
        StoreSnapshot {
            revision: self.current_revision,
            compact_main_revision: self.compact_main_revision,
            keys: self
                .index
                .iter()
                .map(|(key, key_index)| (key.to_vec(), key_index.clone()))
                .collect(),
            leases: self
                .leases
                .iter()
                .map(|(id, lease)| (*id, lease.ttl_seconds))
                .collect(),
        }
    }

    /// A store with the snapshot's history and no watchers. Lease attachments are rebuilt from the keys.
    pub fn restore(snapshot: StoreSnapshot) -> Store {
        let mut store = Store::new();
        store.current_revision = snapshot.revision;
        store.compact_main_revision = snapshot.compact_main_revision;
        for (id, ttl_seconds) in snapshot.leases {
            store.leases.insert(
                id,
                Lease {
                    ttl_seconds,
                    keys: BTreeSet::new(),
                },
            );
        }
        for (key, key_index) in snapshot.keys {
            if let Some(entry) = key_index.latest() {
                if let Some(lease) = store.leases.get_mut(&entry.lease) {
                    lease.keys.insert(key.clone());
                }
            }
            store.index.insert(key.into_boxed_slice(), key_index);
        }
        store
    }

    /// A deterministic 64-bit FNV-1a hash of the revision, the compaction revision and every stored
    /// revision of every key (like etcd's `hashkv`). Equal histories give equal hashes on every platform.
    pub fn content_hash(&self) -> u64 {
        let mut hash = Fnv::new();
        hash.number(self.current_revision);
        hash.number(self.compact_main_revision);
        for (key, key_index) in &self.index {
            hash.bytes(key);
            hash.number(key_index.entries.len() as i64);
            for entry in &key_index.entries {
                hash.number(entry.main);
                hash.number(entry.sub);
                hash.number(entry.version);
                hash.number(entry.created);
                hash.number(entry.lease);
                hash.bytes(&entry.value);
            }
        }
        hash.finish()
    }

    /// The key index of `key` in etcd's notation, oldest generation first, for teaching:
    /// `{2.0, 3.0, 4.0(t)} {5.0}`. `None` if the store holds no revision of the key.
    pub fn key_index_text(&self, key: &[u8]) -> Option<String> {
        self.index.get(key).map(KeyIndex::describe)
    }

    /// How many key revisions (puts and tombstones) the store holds.
    pub fn stored_revisions(&self) -> usize {
        self.index.values().map(KeyIndex::stored_revisions).sum()
    }

    /// An estimate of the memory the store spends on bookkeeping, beyond the bytes of keys and
    /// values: map slots, generation and revision records, vector slack and allocator headers.
    pub fn bookkeeping_bytes(&self) -> usize {
        use std::mem::size_of;
        const ALLOCATION_HEADER_BYTES: usize = 16;
        // B-tree nodes hold up to 11 slots and are about 3/4 full on average, plus a parent
        // pointer, lengths and (in internal nodes) child pointers.
        let slot_bytes = size_of::<Box<[u8]>>() + size_of::<KeyIndex>();
        let mut total = 0usize;
        for (key, key_index) in &self.index {
            total += slot_bytes * 4 / 3 + 16;
            let _ = key;
            total += ALLOCATION_HEADER_BYTES;
            total += key_index.entries.capacity() * size_of::<Entry>();
            if key_index.entries.capacity() > 0 {
                total += ALLOCATION_HEADER_BYTES;
            }
            // Values are `Arc<[u8]>` (so a Raft snapshot shares them): their two counters are
            // not counted, which keeps the figure what it was with `Box<[u8]>`.
            for entry in &key_index.entries {
                if !entry.value.is_empty() {
                    total += ALLOCATION_HEADER_BYTES;
                }
            }
        }
        for lease in self.leases.values() {
            total += size_of::<(i64, Lease)>() * 4 / 3 + 16;
            for key in &lease.keys {
                total += size_of::<Vec<u8>>() * 4 / 3 + key.capacity() + ALLOCATION_HEADER_BYTES;
            }
        }
        total
    }

    pub(crate) fn entry_of_revision(&self, key: &[u8], revision: Revision) -> Option<&Entry> {
        self.index.get(key)?.find(revision)
    }
}

/// Nested txns deeper than this are refused; etcd's op budget (128, minus one per level) already stops them sooner.
const MAX_TXN_DEPTH: usize = 130;

fn is_read_only(request: &TxnRequest, depth: usize) -> bool {
    if depth > MAX_TXN_DEPTH {
        return false;
    }
    request
        .success
        .iter()
        .chain(request.failure.iter())
        .all(|op| match op {
            RequestOp::Range(_) => true,
            RequestOp::Put(_) | RequestOp::DeleteRange(_) => false,
            RequestOp::Txn(inner) => is_read_only(inner, depth + 1),
        })
}

fn compare_result_holds(result: CompareResult, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering;
    match result {
        CompareResult::Equal => ordering == Ordering::Equal,
        CompareResult::NotEqual => ordering != Ordering::Equal,
        CompareResult::Greater => ordering == Ordering::Greater,
        CompareResult::Less => ordering == Ordering::Less,
    }
}

/// Sorts like etcd's `applierV3backend.Range`: Go's (unstable) `sort.Sort`, so ties come out in
/// exactly the order Go's pattern-defeating quicksort leaves them.
fn sort_key_values(kvs: &mut [KeyValue], target: SortTarget, order: SortOrder) {
    let ascending = |a: &KeyValue, b: &KeyValue| -> bool {
        match target {
            SortTarget::Key => a.key < b.key,
            SortTarget::Version => a.version < b.version,
            SortTarget::Create => a.create_revision < b.create_revision,
            SortTarget::Mod => a.mod_revision < b.mod_revision,
            SortTarget::Value => a.value < b.value,
        }
    };
    match order {
        SortOrder::Descend => go_sort::sort(kvs, &|a, b| ascending(b, a)),
        _ => go_sort::sort(kvs, &ascending),
    }
}

/// 64-bit FNV-1a: tiny, fixed, and the same on every platform.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn byte(&mut self, byte: u8) {
        self.0 ^= u64::from(byte);
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fn bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len() as i64);
        for byte in bytes {
            self.byte(*byte);
        }
    }
    fn number(&mut self, number: i64) {
        for byte in number.to_le_bytes() {
            self.byte(byte);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
