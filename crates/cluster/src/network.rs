//! The virtual network: directed links with state, and every message in flight.
//!
//! A message is sent at `sent_ms` and due at `deliver_ms`; until then it sits
//! here where the user can hold it (it will not be delivered until released),
//! release it (it is delivered at the next step), or drop it. Delivery on one
//! directed link is FIFO, like a TCP connection: a message is never due before
//! the one sent ahead of it on the same link (duplicates are the exception:
//! they are the fault).
//!
//! Example: latency 1–5 ms, a message sent at 100 ms from 1 to 2 is due at some
//! `deliver_ms` in 101..=105; if link 1→2 is cut at 102 before it arrives, it is
//! dropped at delivery time with reason "link cut".

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use etcd_member::MemberId;
use etcd_member::MessageSummary;
use etcd_member::PeerReply;
use etcd_member::PeerRequest;
use futures::channel::oneshot;
use rand_chacha::ChaCha8Rng;
use rand_core::Rng;
use rand_core::SeedableRng;
use serde::Deserialize;
use serde::Serialize;

/// Identifies a message in flight (increasing in send order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MessageId(pub u64);

/// One direction of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Up,
    Cut,
}

/// Per-direction settings (all links start with the cluster's defaults).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Link {
    pub(crate) state: LinkState,
    pub(crate) latency_ms_min: u64,
    pub(crate) latency_ms_max: u64,
    /// Loss probability in parts per million (an integer keeps draws exact on every target).
    pub(crate) loss_per_million: u64,
    /// Due time of the last message sent on this link (FIFO order).
    pub(crate) last_deliver_ms: u64,
}

/// What a message carries.
pub(crate) enum Payload {
    Request { request: PeerRequest, reply_to: Option<oneshot::Sender<PeerReply>> },
    Reply { reply: PeerReply, reply_to: Option<oneshot::Sender<PeerReply>> },
}

impl Payload {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Payload::Request { request, .. } => request.kind(),
            Payload::Reply { reply, .. } => reply.kind(),
        }
    }

    pub(crate) fn summary(&self) -> MessageSummary {
        match self {
            Payload::Request { request, .. } => request.summary(),
            Payload::Reply { reply, .. } => reply.summary(),
        }
    }

    /// The reply channel this message carries, if any.
    pub(crate) fn take_reply_channel(self) -> Option<oneshot::Sender<PeerReply>> {
        match self {
            Payload::Request { reply_to, .. } | Payload::Reply { reply_to, .. } => reply_to,
        }
    }

    /// A copy for duplication: the copy's answer goes nowhere (the sender
    /// already waits on the original's reply channel).
    pub(crate) fn duplicate(&self) -> Payload {
        match self {
            Payload::Request { request, .. } => Payload::Request { request: request.clone(), reply_to: None },
            Payload::Reply { reply, .. } => Payload::Reply { reply: reply.clone(), reply_to: None },
        }
    }
}

pub(crate) struct InFlight {
    pub(crate) id: MessageId,
    pub(crate) from: MemberId,
    pub(crate) to: MemberId,
    pub(crate) sent_ms: u64,
    pub(crate) deliver_ms: u64,
    pub(crate) held: bool,
    pub(crate) payload: Payload,
}

/// What happened to a message at send time.
pub(crate) enum SendOutcome {
    Scheduled { id: MessageId, deliver_ms: u64, duplicate: Option<(MessageId, u64)> },
    Dropped { id: MessageId, reason: &'static str, payload: Payload },
}

pub(crate) struct Network {
    links: BTreeMap<(MemberId, MemberId), Link>,
    default_link: Link,
    duplication_per_million: u64,
    pub(crate) in_flight: BTreeMap<MessageId, InFlight>,
    /// Due messages that are not held, in (deliver_ms, id) order.
    schedule: BTreeSet<(u64, MessageId)>,
    next_message_id: u64,
    rng: ChaCha8Rng,
}

pub(crate) fn per_million(probability: f64) -> u64 {
    if probability.is_nan() || probability <= 0.0 {
        0
    } else if probability >= 1.0 {
        1_000_000
    } else {
        (probability * 1_000_000.0).round() as u64
    }
}

impl Network {
    pub(crate) fn new(seed: u64, latency_ms_min: u64, latency_ms_max: u64, loss: f64, duplication: f64) -> Network {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Stream 1_000 is the network's; members use streams 1..=7 of another seed.
        rng.set_stream(1_000);
        let latency_ms_max = latency_ms_max.max(latency_ms_min);
        Network {
            links: BTreeMap::new(),
            default_link: Link {
                state: LinkState::Up,
                latency_ms_min,
                latency_ms_max,
                loss_per_million: per_million(loss),
                last_deliver_ms: 0,
            },
            duplication_per_million: per_million(duplication),
            in_flight: BTreeMap::new(),
            schedule: BTreeSet::new(),
            next_message_id: 1,
            rng,
        }
    }

    pub(crate) fn link(&self, from: MemberId, to: MemberId) -> &Link {
        self.links.get(&(from, to)).unwrap_or(&self.default_link)
    }

    pub(crate) fn link_mut(&mut self, from: MemberId, to: MemberId) -> &mut Link {
        let default_link = self.default_link.clone();
        self.links.entry((from, to)).or_insert(default_link)
    }

    pub(crate) fn links(&self) -> &BTreeMap<(MemberId, MemberId), Link> {
        &self.links
    }

    pub(crate) fn default_link(&self) -> &Link {
        &self.default_link
    }

    pub(crate) fn set_state(&mut self, from: MemberId, to: MemberId, state: LinkState) {
        self.link_mut(from, to).state = state;
    }

    pub(crate) fn restore_all_links(&mut self) {
        for link in self.links.values_mut() {
            link.state = LinkState::Up;
        }
    }

    fn draw_below_million(&mut self) -> u64 {
        self.rng.next_u64() % 1_000_000
    }

    fn draw_latency(&mut self, from: MemberId, to: MemberId) -> u64 {
        let link = self.link(from, to);
        let (low, high) = (link.latency_ms_min, link.latency_ms_max.max(link.latency_ms_min));
        let span = high - low + 1;
        low + self.rng.next_u64() % span
    }

    fn allocate_id(&mut self) -> MessageId {
        let id = MessageId(self.next_message_id);
        self.next_message_id += 1;
        id
    }

    /// Puts a message on the wire at `now_ms`.
    pub(crate) fn send(&mut self, now_ms: u64, from: MemberId, to: MemberId, payload: Payload) -> SendOutcome {
        let id = self.allocate_id();
        let link = self.link(from, to).clone();
        if link.state == LinkState::Cut {
            return SendOutcome::Dropped { id, reason: "link cut", payload };
        }
        if link.loss_per_million > 0 && self.draw_below_million() < link.loss_per_million {
            return SendOutcome::Dropped { id, reason: "lost", payload };
        }
        let duplicated = self.duplication_per_million > 0 && self.draw_below_million() < self.duplication_per_million;
        let latency_ms = self.draw_latency(from, to);
        let deliver_ms = (now_ms + latency_ms).max(link.last_deliver_ms);
        self.link_mut(from, to).last_deliver_ms = deliver_ms;
        let duplicate = if duplicated {
            let copy_id = self.allocate_id();
            let copy_deliver_ms = now_ms + self.draw_latency(from, to);
            let copy = InFlight {
                id: copy_id,
                from,
                to,
                sent_ms: now_ms,
                deliver_ms: copy_deliver_ms,
                held: false,
                payload: payload.duplicate(),
            };
            self.schedule.insert((copy_deliver_ms, copy_id));
            self.in_flight.insert(copy_id, copy);
            Some((copy_id, copy_deliver_ms))
        } else {
            None
        };
        self.schedule.insert((deliver_ms, id));
        self.in_flight.insert(id, InFlight { id, from, to, sent_ms: now_ms, deliver_ms, held: false, payload });
        SendOutcome::Scheduled { id, deliver_ms, duplicate }
    }

    /// Earliest due time of a message that is not held.
    pub(crate) fn next_delivery_ms(&self) -> Option<u64> {
        self.schedule.iter().next().map(|(deliver_ms, _)| *deliver_ms)
    }

    /// Removes and returns the next message due at or before `now_ms`.
    pub(crate) fn pop_due(&mut self, now_ms: u64) -> Option<InFlight> {
        let (deliver_ms, id) = *self.schedule.iter().next()?;
        if deliver_ms > now_ms {
            return None;
        }
        self.schedule.remove(&(deliver_ms, id));
        self.in_flight.remove(&id)
    }

    pub(crate) fn hold(&mut self, id: MessageId) -> bool {
        match self.in_flight.get_mut(&id) {
            Some(message) if !message.held => {
                message.held = true;
                self.schedule.remove(&(message.deliver_ms, id));
                true
            }
            _ => false,
        }
    }

    /// A released message is due at `now_ms` (delivered at the next step).
    pub(crate) fn release(&mut self, id: MessageId, now_ms: u64) -> bool {
        match self.in_flight.get_mut(&id) {
            Some(message) if message.held => {
                message.held = false;
                message.deliver_ms = message.deliver_ms.max(now_ms);
                self.schedule.insert((message.deliver_ms, id));
                true
            }
            _ => false,
        }
    }

    pub(crate) fn remove(&mut self, id: MessageId) -> Option<InFlight> {
        let message = self.in_flight.remove(&id)?;
        self.schedule.remove(&(message.deliver_ms, id));
        Some(message)
    }
}
