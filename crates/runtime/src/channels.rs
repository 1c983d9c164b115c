//! Channels and the mutex: thin newtypes over `tokio::sync` (feature `sync`
//! only; FIFO wake order, no tokio runtime needed) and `futures` oneshot.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::Context;
use std::task::Poll;

use futures::channel::oneshot;
use openraft_rt::OptionalSend;

/// Why a [`JoinHandle`] yields no value: its task was dropped (its member crashed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinError;

impl fmt::Display for JoinError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("task was dropped before it finished")
    }
}

impl std::error::Error for JoinError {}

/// Awaits a spawned task's output. Dropping it detaches the task.
pub struct JoinHandle<T> {
    receiver: oneshot::Receiver<T>,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(receiver: oneshot::Receiver<T>) -> JoinHandle<T> {
        JoinHandle { receiver }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;
    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.receiver).poll(context).map(|result| result.map_err(|_| JoinError))
    }
}

/// Bounded MPSC channels (tokio's, which have the weak sender openraft needs).
pub struct SimMpsc;

/// Sending half of [`SimMpsc`].
pub struct MpscSender<T>(tokio::sync::mpsc::Sender<T>);
/// Receiving half of [`SimMpsc`].
pub struct MpscReceiver<T>(tokio::sync::mpsc::Receiver<T>);
/// Weak sending half of [`SimMpsc`].
pub struct MpscWeakSender<T>(tokio::sync::mpsc::WeakSender<T>);

impl<T> Clone for MpscSender<T> {
    fn clone(&self) -> Self {
        MpscSender(self.0.clone())
    }
}

impl<T> Clone for MpscWeakSender<T> {
    fn clone(&self) -> Self {
        MpscWeakSender(self.0.clone())
    }
}

impl openraft_rt::Mpsc for SimMpsc {
    type Sender<T: OptionalSend> = MpscSender<T>;
    type Receiver<T: OptionalSend> = MpscReceiver<T>;
    type WeakSender<T: OptionalSend> = MpscWeakSender<T>;

    fn channel<T: OptionalSend>(buffer: usize) -> (Self::Sender<T>, Self::Receiver<T>) {
        let (sender, receiver) = tokio::sync::mpsc::channel(buffer.max(1));
        (MpscSender(sender), MpscReceiver(receiver))
    }
}

type TokioSend<'a, T> = Pin<Box<dyn Future<Output = Result<(), tokio::sync::mpsc::error::SendError<T>>> + 'a>>;

/// [`MpscSender`]'s send: at its first poll, `try_send`; only when the channel is full,
/// tokio's `send`, boxed.
///
/// Same behaviour as awaiting tokio's `send`, which at its first poll takes a permit if one
/// is free (permits freed while senders wait go to the waiters first, so a free permit means
/// nobody waits) and enqueues, else queues for one. But tokio's future holds the message
/// twice plus a semaphore wait: inline, it made every future that sends (each openraft API
/// call, so each delivered Raft message) some 900 bytes larger, memcpy'd at every call. This
/// one is the message and two pointers.
struct MpscSend<'a, T> {
    sender: &'a tokio::sync::mpsc::Sender<T>,
    message: Option<T>,
    waiting: Option<TokioSend<'a, T>>,
}

// The message is only ever moved by value, never pinned.
impl<T> Unpin for MpscSend<'_, T> {}

impl<T> Future for MpscSend<'_, T> {
    type Output = Result<(), openraft_rt::SendError<T>>;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if let Some(message) = this.message.take() {
            match this.sender.try_send(message) {
                Ok(()) => return Poll::Ready(Ok(())),
                Err(tokio::sync::mpsc::error::TrySendError::Closed(message)) => {
                    return Poll::Ready(Err(openraft_rt::SendError(message)))
                }
                Err(tokio::sync::mpsc::error::TrySendError::Full(message)) => {
                    this.waiting = Some(Box::pin(this.sender.send(message)));
                }
            }
        }
        match this.waiting.as_mut() {
            Some(waiting) => waiting.as_mut().poll(context).map(|result| result.map_err(|error| openraft_rt::SendError(error.0))),
            // Polled again after it completed: it never completes twice.
            None => Poll::Pending,
        }
    }
}

impl<T: OptionalSend> openraft_rt::MpscSender<SimMpsc, T> for MpscSender<T> {
    #[allow(clippy::manual_async_fn)] // keeps the trait's exact signature
    fn send(&self, message: T) -> impl Future<Output = Result<(), openraft_rt::SendError<T>>> + OptionalSend {
        MpscSend { sender: &self.0, message: Some(message), waiting: None }
    }

    fn downgrade(&self) -> MpscWeakSender<T> {
        MpscWeakSender(self.0.downgrade())
    }
}

impl<T: OptionalSend> openraft_rt::MpscWeakSender<SimMpsc, T> for MpscWeakSender<T> {
    fn upgrade(&self) -> Option<MpscSender<T>> {
        self.0.upgrade().map(MpscSender)
    }
}

impl<T: OptionalSend> openraft_rt::MpscReceiver<T> for MpscReceiver<T> {
    fn recv(&mut self) -> impl Future<Output = Option<T>> + OptionalSend {
        self.0.recv()
    }

    fn try_recv(&mut self) -> Result<T, openraft_rt::TryRecvError> {
        self.0.try_recv().map_err(|error| match error {
            tokio::sync::mpsc::error::TryRecvError::Empty => openraft_rt::TryRecvError::Empty,
            tokio::sync::mpsc::error::TryRecvError::Disconnected => openraft_rt::TryRecvError::Disconnected,
        })
    }
}

/// One-shot channels (`futures`' oneshot).
pub struct SimOneshot;

/// Sending half of [`SimOneshot`].
pub struct OneshotSender<T>(oneshot::Sender<T>);

impl openraft_rt::Oneshot for SimOneshot {
    type Sender<T: OptionalSend> = OneshotSender<T>;
    type Receiver<T: OptionalSend> = oneshot::Receiver<T>;
    type ReceiverError = oneshot::Canceled;

    fn channel<T: OptionalSend>() -> (Self::Sender<T>, Self::Receiver<T>) {
        let (sender, receiver) = oneshot::channel();
        (OneshotSender(sender), receiver)
    }
}

impl<T: OptionalSend> openraft_rt::OneshotSender<T> for OneshotSender<T> {
    fn send(self, value: T) -> Result<(), T> {
        self.0.send(value)
    }
}

/// An async mutex (tokio's: FIFO fairness, no runtime needed).
pub struct SimMutex<T>(tokio::sync::Mutex<T>);

impl<T: OptionalSend + 'static> openraft_rt::Mutex<T> for SimMutex<T> {
    type Guard<'a> = tokio::sync::MutexGuard<'a, T>;

    fn new(value: T) -> Self {
        SimMutex(tokio::sync::Mutex::new(value))
    }

    fn lock(&self) -> impl Future<Output = Self::Guard<'_>> + OptionalSend {
        self.0.lock()
    }
}
