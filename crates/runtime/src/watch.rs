//! A single-threaded watch channel that wakes waiters in registration order.
//!
//! tokio's watch wakes waiters in an internally randomised order, which would
//! make two runs of one seed diverge; this one keeps waiters in a `BTreeMap`
//! keyed by a registration number.
//!
//! ```
//! use openraft_rt::{Watch, WatchSender, WatchReceiver};
//! use sim_runtime::watch::SimWatch;
//!
//! let (sender, receiver) = SimWatch::channel(1_u32);
//! sender.send(2).unwrap();
//! assert_eq!(*receiver.borrow_watched(), 2);
//! ```

use std::cell::Cell;
use std::cell::Ref;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;
use std::task::Waker;

use openraft_rt::watch::RecvError;
use openraft_rt::watch::SendError;
use openraft_rt::OptionalSend;
use openraft_rt::OptionalSync;

struct Shared<T> {
    value: RefCell<T>,
    version: Cell<u64>,
    senders: Cell<usize>,
    receivers: Cell<usize>,
    waiters: RefCell<BTreeMap<u64, Waker>>,
    next_waiter: Cell<u64>,
}

impl<T> Shared<T> {
    fn notify(&self) {
        let waiters = std::mem::take(&mut *self.waiters.borrow_mut());
        for waker in waiters.into_values() {
            waker.wake();
        }
    }
}

/// The watch channel family (see the module doc).
pub struct SimWatch;

/// Sending half of [`SimWatch`].
pub struct WatchSender<T> {
    shared: Rc<Shared<T>>,
}

/// Receiving half of [`SimWatch`].
pub struct WatchReceiver<T> {
    shared: Rc<Shared<T>>,
    seen_version: u64,
}

impl openraft_rt::Watch for SimWatch {
    type Sender<T: OptionalSend + OptionalSync> = WatchSender<T>;
    type Receiver<T: OptionalSend + OptionalSync> = WatchReceiver<T>;
    type Ref<'a, T: OptionalSend + 'a> = Ref<'a, T>;

    fn channel<T: OptionalSend + OptionalSync>(init: T) -> (WatchSender<T>, WatchReceiver<T>) {
        let shared = Rc::new(Shared {
            value: RefCell::new(init),
            version: Cell::new(0),
            senders: Cell::new(1),
            receivers: Cell::new(1),
            waiters: RefCell::new(BTreeMap::new()),
            next_waiter: Cell::new(0),
        });
        (WatchSender { shared: shared.clone() }, WatchReceiver { shared, seen_version: 0 })
    }
}

impl<T> Clone for WatchSender<T> {
    fn clone(&self) -> Self {
        self.shared.senders.set(self.shared.senders.get() + 1);
        WatchSender { shared: self.shared.clone() }
    }
}

impl<T> Drop for WatchSender<T> {
    fn drop(&mut self) {
        let senders = self.shared.senders.get().saturating_sub(1);
        self.shared.senders.set(senders);
        if senders == 0 {
            self.shared.notify();
        }
    }
}

impl<T> Clone for WatchReceiver<T> {
    fn clone(&self) -> Self {
        self.shared.receivers.set(self.shared.receivers.get() + 1);
        WatchReceiver { shared: self.shared.clone(), seen_version: self.seen_version }
    }
}

impl<T> Drop for WatchReceiver<T> {
    fn drop(&mut self) {
        self.shared.receivers.set(self.shared.receivers.get().saturating_sub(1));
    }
}

impl<T: OptionalSend + OptionalSync> openraft_rt::WatchSender<SimWatch, T> for WatchSender<T> {
    fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.shared.receivers.get() == 0 {
            return Err(SendError(value));
        }
        *self.shared.value.borrow_mut() = value;
        self.shared.version.set(self.shared.version.get() + 1);
        self.shared.notify();
        Ok(())
    }

    fn send_if_modified<F>(&self, modify: F) -> bool
    where F: FnOnce(&mut T) -> bool {
        let modified = modify(&mut self.shared.value.borrow_mut());
        if modified {
            self.shared.version.set(self.shared.version.get() + 1);
            self.shared.notify();
        }
        modified
    }

    fn borrow_watched(&self) -> Ref<'_, T> {
        self.shared.value.borrow()
    }

    fn subscribe(&self) -> WatchReceiver<T> {
        self.shared.receivers.set(self.shared.receivers.get() + 1);
        WatchReceiver { shared: self.shared.clone(), seen_version: self.shared.version.get() }
    }
}

/// Removes a pending waiter when a `changed()` future is dropped unfinished.
struct WaiterSlot<'a, T> {
    shared: &'a Shared<T>,
    id: Option<u64>,
}

impl<T> Drop for WaiterSlot<'_, T> {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.shared.waiters.borrow_mut().remove(&id);
        }
    }
}

impl<T: OptionalSend + OptionalSync> openraft_rt::WatchReceiver<SimWatch, T> for WatchReceiver<T> {
    async fn changed(&mut self) -> Result<(), RecvError> {
        let shared = self.shared.clone();
        let mut slot = WaiterSlot { shared: &shared, id: None };
        let seen_version = self.seen_version;
        let outcome = poll_fn(|context| {
            let version = slot.shared.version.get();
            if version != seen_version {
                return Poll::Ready(Ok(version));
            }
            if slot.shared.senders.get() == 0 {
                return Poll::Ready(Err(RecvError(())));
            }
            let id = match slot.id {
                Some(id) => id,
                None => {
                    let id = slot.shared.next_waiter.get();
                    slot.shared.next_waiter.set(id + 1);
                    slot.id = Some(id);
                    id
                }
            };
            slot.shared.waiters.borrow_mut().insert(id, context.waker().clone());
            Poll::Pending
        })
        .await;
        match outcome {
            Ok(version) => {
                self.seen_version = version;
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    fn borrow_watched(&self) -> Ref<'_, T> {
        self.shared.value.borrow()
    }

    fn borrow_and_update(&mut self) -> Ref<'_, T> {
        self.seen_version = self.shared.version.get();
        self.shared.value.borrow()
    }
}
