//! Shuttle's channels, with a `Receiver` of this module's own whose
//! `recv_timeout` can time out. Shuttle's never does: a worker that polls
//! with a timeout until a done flag is set waits forever while its sender is
//! alive, and is called a deadlock. Here it takes a message if one is there,
//! steps aside once, and tries again, reporting a timeout if still nothing
//! came, as a real timeout may expire before the sender gets to send. `recv`
//! is shuttle's, so a receiver nobody sends to is still a deadlock.

pub use ::std::sync::mpsc::*;
pub use shuttle::sync::mpsc::{IntoIter, Iter, Sender, SyncSender, TryIter};

pub struct Receiver<T>(shuttle::sync::mpsc::Receiver<T>);

#[track_caller]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let (sender, receiver) = shuttle::sync::mpsc::channel();
    (sender, Receiver(receiver))
}

#[track_caller]
pub fn sync_channel<T>(bound: usize) -> (SyncSender<T>, Receiver<T>) {
    let (sender, receiver) = shuttle::sync::mpsc::sync_channel(bound);
    (sender, Receiver(receiver))
}

impl<T> Receiver<T> {
    pub fn recv(&self) -> Result<T, RecvError> {
        self.0.recv()
    }

    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        self.0.try_recv()
    }

    pub fn recv_timeout(&self, _timeout: std::time::Duration) -> Result<T, RecvTimeoutError> {
        let attempt = |timed_out: bool| match self.0.try_recv() {
            Ok(message) => Some(Ok(message)),
            Err(TryRecvError::Disconnected) => Some(Err(RecvTimeoutError::Disconnected)),
            Err(TryRecvError::Empty) => timed_out.then_some(Err(RecvTimeoutError::Timeout)),
        };
        attempt(false).unwrap_or_else(|| {
            crate::thread::yield_now();
            attempt(true).expect("a second attempt always answers")
        })
    }

    pub fn iter(&self) -> Iter<'_, T> {
        self.0.iter()
    }

    pub fn try_iter(&self) -> TryIter<'_, T> {
        self.0.try_iter()
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.0.iter()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        self.0.into_iter()
    }
}
