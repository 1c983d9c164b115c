//! One member's store queues the watch responses of every watcher together;
//! two clients watch it (the apiserver's informers and the console's
//! `etcdctl watch`), so whoever drains a member must hand the other client
//! its share. [`WatchMailbox`] does that: the console registers its watches,
//! every drain sorts responses into the console's queue (registered ids) or
//! the apiserver's (everything else, in the order the store produced them).
//!
//! ```text
//! member 1 store queue: [created #7 (console), put /a #3 (apiserver), put /a #7 (console)]
//! console takes (1, #7)  -> [created #7, put /a #7]
//! apiserver takes 1      -> [put /a #3]
//! ```
//!
//! Without it, a streaming `etcdctl watch` and the apiserver would steal each
//! other's events (the controllers would miss writes).

use std::collections::{BTreeMap, BTreeSet};

use cluster::Cluster;
use etcd_member::MemberId;
use mvcc::{WatchId, WatchResponse};

/// Watch responses drained from members' stores, kept until their client takes them.
#[derive(Debug, Default)]
pub struct WatchMailbox {
    console_watches: BTreeSet<(MemberId, WatchId)>,
    for_console: BTreeMap<(MemberId, WatchId), Vec<WatchResponse>>,
    for_apiserver: BTreeMap<MemberId, Vec<WatchResponse>>,
}

impl WatchMailbox {
    /// Routes the member's future responses for `watch` to the console.
    pub fn register_console_watch(&mut self, member: MemberId, watch: WatchId) {
        self.console_watches.insert((member, watch));
    }

    /// Forgets a console watch and what was queued for it. Call after the
    /// store's cancel (or crash): a restarted store numbers watches anew, and
    /// its ids must reach the apiserver again.
    pub fn unregister_console_watch(&mut self, cluster: &mut Cluster, member: MemberId, watch: WatchId) {
        // The cancel confirmation is already queued in the store: sort it first, then drop it.
        self.drain(cluster, member);
        self.console_watches.remove(&(member, watch));
        self.for_console.remove(&(member, watch));
    }

    fn drain(&mut self, cluster: &mut Cluster, member: MemberId) {
        for response in cluster.take_watch_responses(member) {
            let key = (member, response.watch_id);
            if self.console_watches.contains(&key) {
                self.for_console.entry(key).or_default().push(response);
            } else {
                self.for_apiserver.entry(member).or_default().push(response);
            }
        }
    }

    /// The console watch's responses since the last call, in order.
    pub fn take_console(&mut self, cluster: &mut Cluster, member: MemberId, watch: WatchId) -> Vec<WatchResponse> {
        self.drain(cluster, member);
        self.for_console.remove(&(member, watch)).unwrap_or_default()
    }

    /// Every other response the member produced since the last call, in order.
    pub fn take_apiserver(&mut self, cluster: &mut Cluster, member: MemberId) -> Vec<WatchResponse> {
        self.drain(cluster, member);
        self.for_apiserver.remove(&member).unwrap_or_default()
    }
}
