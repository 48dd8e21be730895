//! Connections as a hostile network opens them: at most a set number at
//! once; one that sends nothing (or nothing more after its answer) is
//! closed after an idle timeout; and when the limit or the process's file
//! descriptors are reached, the least recently active idle connection is
//! closed to make room, so idle sockets cannot keep a reader out.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Sleep;

/// A request line longer than this is answered here, with the API's JSON
/// 414, before hyper sees it: hyper's own answer to a URI over 64 KiB has
/// no body. (Shorter ones over the API's limit get the same answer from
/// the router.)
const MAX_REQUEST_LINE: usize = 60 * 1024;

fn uri_too_long() -> Vec<u8> {
    let body = format!(
        r#"{{"error":{{"status":414,"message":"the request URI is longer than {MAX_REQUEST_LINE} bytes"}}}}"#
    );
    format!(
        "HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Nothing read yet.
const FRESH: u8 = 0;
/// A request is being read or answered.
const BUSY: u8 = 1;
/// Answered; waiting for the next request on a kept-alive connection.
const ANSWERED: u8 = 2;

struct Conn {
    /// Milliseconds since the registry's start of the last byte either way.
    last: AtomicU64,
    phase: AtomicU8,
    evicted: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Conn {
    fn evict(&self) {
        self.evicted.store(true, Ordering::Release);
        if let Some(w) = self.waker.lock().unwrap().take() {
            w.wake();
        }
    }
}

#[derive(Default)]
struct Registry {
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    next: AtomicU64,
}

impl Registry {
    fn len(&self) -> usize {
        self.conns.lock().unwrap().len()
    }

    /// Closes the idle connection that was active least recently; false
    /// when every connection is working on a request.
    fn evict_one(&self) -> bool {
        let conns = self.conns.lock().unwrap();
        let oldest = conns
            .values()
            .filter(|c| c.phase.load(Ordering::Acquire) != BUSY && !c.evicted.load(Ordering::Acquire))
            .min_by_key(|c| c.last.load(Ordering::Acquire));
        match oldest {
            Some(c) => {
                c.evict();
                true
            }
            None => false,
        }
    }
}

/// The limits of [`GuardedListener`].
#[derive(Clone, Copy, Debug)]
pub struct ConnLimits {
    /// Connections open at once.
    pub max_connections: usize,
    /// An idle connection (nothing sent, or nothing since its last answer)
    /// is closed after this long.
    pub idle_timeout: Duration,
    /// A connection in the middle of a request with no byte either way for
    /// this long is closed (a client that stops halfway through its headers).
    pub stalled_timeout: Duration,
}

/// A TCP listener for axum that enforces [`ConnLimits`].
pub(crate) struct GuardedListener {
    listener: TcpListener,
    registry: Arc<Registry>,
    limits: ConnLimits,
    started: Instant,
}

impl GuardedListener {
    pub(crate) fn new(listener: TcpListener, limits: ConnLimits) -> GuardedListener {
        GuardedListener {
            listener,
            registry: Arc::new(Registry::default()),
            limits,
            started: Instant::now(),
        }
    }
}

impl axum::serve::Listener for GuardedListener {
    type Io = GuardedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (GuardedStream, SocketAddr) {
        loop {
            let (tcp, addr) = match self.listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors: an idle connection gives its
                    // own up. Other errors concern one connection only.
                    let out_of_fds = matches!(e.raw_os_error(), Some(23 | 24));
                    if !(out_of_fds && self.registry.evict_one()) {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    } else {
                        tokio::task::yield_now().await;
                    }
                    continue;
                }
            };
            if self.registry.len() >= self.limits.max_connections && !self.registry.evict_one() {
                // Every connection is working: this one is refused.
                drop(tcp);
                continue;
            }
            let _ = tcp.set_nodelay(true);
            let now = self.started.elapsed().as_millis() as u64;
            let conn = Arc::new(Conn {
                last: AtomicU64::new(now),
                phase: AtomicU8::new(FRESH),
                evicted: AtomicBool::new(false),
                waker: Mutex::new(None),
            });
            let id = self.registry.next.fetch_add(1, Ordering::Relaxed);
            self.registry.conns.lock().unwrap().insert(id, conn.clone());
            let stream = GuardedStream {
                tcp,
                conn,
                id,
                registry: self.registry.clone(),
                started: self.started,
                limits: self.limits,
                timer: Box::pin(tokio::time::sleep(self.limits.idle_timeout)),
                line: Some(0),
            };
            return (stream, addr);
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// A connection of a [`GuardedListener`]: a TCP stream that ends itself
/// when idle too long or evicted.
pub(crate) struct GuardedStream {
    tcp: TcpStream,
    conn: Arc<Conn>,
    id: u64,
    registry: Arc<Registry>,
    started: Instant,
    limits: ConnLimits,
    timer: Pin<Box<Sleep>>,
    /// Bytes of the request line read so far, while it is being read.
    line: Option<usize>,
}

impl GuardedStream {
    fn touch(&mut self, phase: u8) {
        self.conn.phase.store(phase, Ordering::Release);
        self.conn
            .last
            .store(self.started.elapsed().as_millis() as u64, Ordering::Release);
        let wait = if phase == BUSY {
            self.limits.stalled_timeout
        } else {
            self.limits.idle_timeout
        };
        self.timer.as_mut().reset(tokio::time::Instant::now() + wait);
    }

    /// Bytes of an answer went out: the connection waits for its next
    /// request from now on.
    fn wrote(&mut self, written: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.touch(ANSWERED);
        }
        written
    }

    fn closed(&self) -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, "connection idle too long")
    }
}

impl Drop for GuardedStream {
    fn drop(&mut self) {
        self.registry.conns.lock().unwrap().remove(&self.id);
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.conn.evicted.load(Ordering::Acquire) {
            return Poll::Ready(Err(this.closed()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.tcp).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[before..];
                if new.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                if this.conn.phase.load(Ordering::Acquire) == ANSWERED {
                    this.line = Some(0);
                }
                if let Some(read) = this.line {
                    match new.iter().position(|&b| b == b'\n') {
                        Some(_) => this.line = None,
                        None if read + new.len() > MAX_REQUEST_LINE => {
                            // Small enough for the socket's buffer.
                            let _ = this.tcp.try_write(&uri_too_long());
                            this.conn.evict();
                            return Poll::Ready(Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                "request line too long",
                            )));
                        }
                        None => this.line = Some(read + new.len()),
                    }
                }
                this.touch(BUSY);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                *this.conn.waker.lock().unwrap() = Some(cx.waker().clone());
                // Evicted while the waker was being stored: nobody wakes us.
                if this.conn.evicted.load(Ordering::Acquire) {
                    return Poll::Ready(Err(this.closed()));
                }
                // A request being answered may take its time (the request
                // budget bounds it); silence otherwise ends the connection.
                if this.timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(this.closed()));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.tcp).poll_write(cx, data);
        this.wrote(written)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs);
        this.wrote(written)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }
}
