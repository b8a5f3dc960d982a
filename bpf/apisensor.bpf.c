// SPDX-License-Identifier: GPL-2.0
/* Kernel half of apisensor: finds the TCP socket behind every data syscall, decides cheaply
 * whether the connection speaks HTTP, and ships HTTP bytes (capped, with their TCP position)
 * to the agent through one ring buffer. Everything else is counted, never copied.
 *
 * One tp_btf/sys_exit program serves every syscall: at exit the return value says how many
 * bytes moved, and the arguments are still in the saved user registers, so no entry-side
 * stash (and no sys_enter attachment, which would double the per-syscall cost) is needed.
 * tp_btf needs neither kprobes nor tracefs, neither of which this design can count on. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "events.h"

#if !defined(__TARGET_ARCH_x86)
#error \
    "apisensor's syscall dispatch reads x86_64 registers; other architectures are not supported yet"
#endif

char LICENSE[] SEC("license") = "GPL";

/* x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_mmap 9
#define NR_readv 19
#define NR_writev 20
#define NR_sendfile 40
#define NR_connect 42
#define NR_accept 43
#define NR_sendto 44
#define NR_recvfrom 45
#define NR_sendmsg 46
#define NR_recvmsg 47
#define NR_accept4 288
#define NR_recvmmsg 299
#define NR_sendmmsg 307

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define SOCK_STREAM 1
#define IPPROTO_TCP 6
#define AF_INET 2
#define AF_INET6 10
#define MSG_PEEK 2
#define PROT_EXEC 4
#define EINPROGRESS 115

/* Set by the agent before load. */
const volatile __u32 payload_cap = APISENSOR_DEFAULT_PAYLOAD;
const volatile __u32 agent_tgid = 0;
/* Waking the agent for every record costs a context switch per syscall traced. Below this much
 * unread data the agent is not woken (it drains the ring on a short timer); at or above it, it is.
 * 0 wakes it for every record. */
const volatile __u32 wakeup_bytes = 0;

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 16 * 1024 * 1024); /* resized by the agent before load */
} events SEC(".maps");

/* Wakes the agent only for the record that takes the unread data across wakeup_bytes: forcing a
 * wake-up for every record above it queued an irq_work, a self-IPI (a VM exit on virtual
 * machines), per record until the agent caught up. Two CPUs crossing at once may both miss; the
 * agent's drain timer bounds that delay. */
static __always_inline __u64 wakeup_flag(__u64 len) {
  if (!wakeup_bytes) return 0;
  __u64 unread = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
  return unread < wakeup_bytes && unread + len >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                               : BPF_RB_NO_WAKEUP;
}

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, APISENSOR_CNT_MAX);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

/* What the kernel side remembers about a socket fd. A different `sk` under the same key means
 * the fd was reused for another socket, so the entry is stale. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct apisensor_conn_key);
  __type(value, struct apisensor_conn_state);
} conns SEC(".maps");

/* Processes that own HTTP connections: only their exit is worth an event. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u32);
  __type(value, __u8);
} http_tgids SEC(".maps");

/* TLS: the plaintext side of a socket whose bytes an SSL library en- and decrypts. The socket's
 * own entry in `conns` sees ciphertext (classified TLS, never shipped); this one sees what
 * SSL_read/SSL_write returned. Positions are byte counts of plaintext per direction: TLS framing
 * hides the TCP position of plaintext, and SSL calls on one connection are ordered anyway. */
struct tls_state {
  __u64 sk;      /* as in conns: a different sock under the key means the fd was reused */
  __u32 seq[2];  /* plaintext bytes so far, per apisensor_direction */
  __u8 protocol; /* apisensor_protocol of the plaintext */
  __u8 role;     /* apisensor_role */
  __u8 opened_under_watch;
  __u8 pad[5];
};
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct apisensor_conn_key);
  __type(value, struct tls_state);
} tls_conns SEC(".maps");

/* An OpenSSL read or write in progress on a thread, from its entry probe to its return probe. The
 * socket syscall the library makes inside the call fills in fd: that is how an SSL object is tied
 * to its socket without reading any OpenSSL structure, so every OpenSSL version works alike. */
struct ssl_call {
  __u64 ssl;     /* SSL * */
  __u64 buf;     /* user buffer of plaintext */
  __u64 len_out; /* size_t * for the byte count (_ex forms, internal functions), else 0 */
  __u64 sk;      /* struct sock of the linked fd */
  __s32 fd;      /* -1 until a socket syscall inside the call links it */
  __u8 dir;      /* apisensor_direction */
  __u8 active;   /* between the entry and the return probe */
  __u8 pad[2];
  /* The thread's last read from a TLS socket outside any SSL call. Libraries that decrypt from
   * memory BIOs (gRPC's C core) read the ciphertext first and call SSL_read right after, on the
   * same thread, so no syscall happens inside the call: this names their socket instead. */
  __u64 last_read_sk;
  __u64 last_read_ns;
  __s32 last_read_fd;
  __u32 pad2;
};
/* Per thread (task storage: found through the task itself, with no hash lookup or LRU lock on
 * a path taken twice per SSL call and once per TLS socket syscall). */
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct ssl_call);
} ssl_calls SEC(".maps");

/* SSL * -> the socket it was last seen using. SSL_read often returns bytes OpenSSL had already
 * buffered, without any syscall: this cache is what places them. Forgotten at SSL_free. */
struct ssl_key {
  __u64 ssl;
  __u32 tgid;
  __u32 pad;
};
struct ssl_link {
  __u64 sk;
  __s32 fd;
  __u32 pad;
};
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct ssl_key);
  __type(value, struct ssl_link);
} ssl_links SEC(".maps");

/* Events are assembled here and copied to the ring with their true length (ringbuf_reserve
 * needs a constant size, which would waste the ring on small messages). Twice the payload
 * bound so the verifier can prove every masked write stays inside. */
struct scratch {
  __u8 raw[sizeof(struct apisensor_data_event) + 2 * APISENSOR_MAX_PAYLOAD];
};
#define SCRATCH_PAYLOAD(sc) (&(sc)->raw[sizeof(struct apisensor_data_event)])
/* Per-CPU values are limited to 32 KiB, so this is a plain array with one slot per possible CPU
 * (the agent sets max_entries before load). */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct scratch);
} scratch_buf SEC(".maps");

/* A preemptible kernel can run a second syscall exit on this CPU while the first one still
 * fills the scratch: the flag makes the second one drop (and count) instead of corrupting. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} scratch_busy SEC(".maps");

static __always_inline void count(__u32 which, __u64 n) {
  __u64 *v = bpf_map_lookup_elem(&counters, &which);
  if (v) *v += n; /* per-CPU slot: no atomics needed */
}

/* Re-types a pointer the verifier only knows as a number, so fields can be read with plain
 * loads (probe-mem, fault-safe) instead of one bpf_probe_read_kernel call each: the data path
 * reads some twenty fields per event, and the helper calls were a third of its cost. The verifier
 * rewrites this kfunc into a register move. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define AS_KERNEL(type, ptr) ((type *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))

/* fd of the current process -> its struct file, or NULL. */
static __always_inline struct file *file_of_fd(int fd) {
  if (fd < 0) return NULL;
  struct task_struct *task = bpf_get_current_task_btf();
  struct fdtable *fdt = task->files->fdt;
  if (!fdt || (unsigned int)fd >= fdt->max_fds) return NULL;
  /* fd[] is an array of pointers, which BTF loads cannot index: one helper read. */
  void *slot = NULL;
  if (bpf_probe_read_kernel(&slot, sizeof(slot), &fdt->fd[fd]) || !slot) return NULL;
  return AS_KERNEL(struct file, slot);
}

/* fd -> struct sock of a TCP socket (IPv4 or IPv6), or NULL. */
static __always_inline struct sock *tcp_sock_of_fd(int fd) {
  struct file *file = file_of_fd(fd);
  if (!file) return NULL;
  if ((file->f_inode->i_mode & S_IFMT) != S_IFSOCK) return NULL;
  struct socket *sock = AS_KERNEL(struct socket, file->private_data);
  if (!sock || sock->type != SOCK_STREAM) return NULL;
  struct sock *sk = sock->sk;
  if (!sk) return NULL;
  __u16 family = sk->__sk_common.skc_family;
  if (family != AF_INET && family != AF_INET6) return NULL;
  if (sk->sk_protocol != IPPROTO_TCP) return NULL;
  return sk;
}

static __always_inline void fill_endpoints(struct sock *sk, struct apisensor_data_event *ev) {
  __u16 family = sk->__sk_common.skc_family;
  ev->local.family = family;
  ev->remote.family = family;
  ev->local.port = sk->__sk_common.skc_num;
  ev->remote.port = bpf_ntohs(sk->__sk_common.skc_dport);
  __builtin_memset(ev->local.addr, 0, sizeof(ev->local.addr));
  __builtin_memset(ev->remote.addr, 0, sizeof(ev->remote.addr));
  if (family == AF_INET) {
    __u32 l = sk->__sk_common.skc_rcv_saddr;
    __u32 r = sk->__sk_common.skc_daddr;
    __builtin_memcpy(ev->local.addr, &l, 4);
    __builtin_memcpy(ev->remote.addr, &r, 4);
  } else {
    for (int i = 0; i < 4; i++) {
      __u32 l = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[i];
      __u32 r = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[i];
      __builtin_memcpy(&ev->local.addr[4 * i], &l, 4);
      __builtin_memcpy(&ev->remote.addr[4 * i], &r, 4);
    }
  }
  ev->local.pad = 0;
  ev->remote.pad = 0;
}

static __always_inline bool is_http_request_start(const __u8 *b, __u32 n) {
  if (n < 4) return false;
  /* Methods by their first four bytes; the space (or 5th letter) check keeps "GETX" out. */
  switch ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) {
    case 'G' << 24 | 'E' << 16 | 'T' << 8 | ' ':
    case 'P' << 24 | 'U' << 16 | 'T' << 8 | ' ':
      return true;
    case 'P' << 24 | 'O' << 16 | 'S' << 8 | 'T':
    case 'H' << 24 | 'E' << 16 | 'A' << 8 | 'D':
      return n > 4 && b[4] == ' ';
    case 'D' << 24 | 'E' << 16 | 'L' << 8 | 'E': /* DELETE */
    case 'P' << 24 | 'A' << 16 | 'T' << 8 | 'C': /* PATCH */
    case 'O' << 24 | 'P' << 16 | 'T' << 8 | 'I': /* OPTIONS */
    case 'C' << 24 | 'O' << 16 | 'N' << 8 | 'N': /* CONNECT */
    case 'T' << 24 | 'R' << 16 | 'A' << 8 | 'C': /* TRACE */
      return n > 5;
  }
  return false;
}

static __always_inline bool is_http_response_start(const __u8 *b, __u32 n) {
  return n >= 8 && b[0] == 'H' && b[1] == 'T' && b[2] == 'T' && b[3] == 'P' && b[4] == '/' &&
         b[5] == '1' && b[6] == '.';
}

static __always_inline bool is_http2_preface(const __u8 *b, __u32 n) {
  return n >= 8 && b[0] == 'P' && b[1] == 'R' && b[2] == 'I' && b[3] == ' ' && b[4] == '*';
}

/* A server's first HTTP/2 frame: SETTINGS (type 4) on stream 0, no flags, a whole number of
 * 6-byte entries. Over TLS with ALPN h2 the server sends it before reading the client's
 * preface, so it can be the first plaintext either side sees. */
static __always_inline bool is_http2_server_settings(const __u8 *b, __u32 n) {
  return n >= 8 && b[0] == 0 && b[1] == 0 && b[2] % 6 == 0 && b[3] == 4 && b[4] == 0 && b[5] == 0 &&
         b[6] == 0 && b[7] == 0;
}

/* A frame header in the middle of an HTTP/2 connection that predates the agent (a long-lived
 * gRPC channel): HEADERS or DATA on a non-zero stream with only their defined flags, or a
 * WINDOW_UPDATE or PING, within the default maximum frame size. Only tried on connections opened
 * before the agent, whose first chunk seen need not be their first. */
static __always_inline bool is_http2_midstream_frame(const __u8 *b, __u32 n) {
  if (n < 9 || b[0] != 0 || ((b[1] << 8) | b[2]) > 16384 || (b[5] & 0x80)) return false;
  __u32 length = (b[1] << 8) | b[2];
  bool stream_zero = (b[5] | b[6] | b[7] | b[8]) == 0;
  switch (b[3]) {
    case 0: /* DATA: END_STREAM, PADDED */
      return (b[4] & ~0x09) == 0 && !stream_zero;
    case 1: /* HEADERS: END_STREAM, END_HEADERS, PADDED, PRIORITY */
      return (b[4] & ~0x2d) == 0 && !stream_zero && length > 0;
    case 6: /* PING (ACK or not), connection-wide */
      return length == 8 && (b[4] & ~0x01) == 0 && stream_zero;
    case 8: /* WINDOW_UPDATE */
      return length == 4 && b[4] == 0;
  }
  return false;
}

static __always_inline bool is_tls_record(const __u8 *b, __u32 n) {
  /* content type handshake/alert/ccs/application data, then version 3.x */
  return n >= 5 && b[0] >= 0x14 && b[0] <= 0x17 && b[1] == 0x03 && b[2] <= 0x04;
}

/* The first bytes of a chunk, as classify_first_bytes sees them. */
struct first_bytes {
  __u8 b[16]; /* 9 cover an HTTP/2 frame header, stream id included */
  __u32 n;    /* how many of b are valid */
  __u8 dir;
  __u8 predates_agent; /* the connection was open before the agent: it may be mid-stream */
};

/* Protocol a chunk's first bytes announce, and the role its sender must then have (request or
 * preface sent: client; status line sent: server), packed as protocol | role << 8.
 * Global, so the verifier checks it once on its own: inlined, its byte comparisons multiplied
 * the states of every path through the data handler past the verifier's budget. */
__noinline int classify_first_bytes(const struct first_bytes *fb) {
  if (!fb) return APISENSOR_PROTO_UNKNOWN;
  const __u8 *b = fb->b;
  __u32 n = fb->n;
  __u8 sender_client =
      fb->dir == APISENSOR_DIR_EGRESS ? APISENSOR_ROLE_CLIENT : APISENSOR_ROLE_SERVER;
  __u8 sender_server =
      fb->dir == APISENSOR_DIR_EGRESS ? APISENSOR_ROLE_SERVER : APISENSOR_ROLE_CLIENT;
  if (is_http_request_start(b, n)) return APISENSOR_PROTO_HTTP1 | sender_client << 8;
  if (is_http_response_start(b, n)) return APISENSOR_PROTO_HTTP1 | sender_server << 8;
  if (is_http2_preface(b, n)) return APISENSOR_PROTO_HTTP2 | sender_client << 8;
  if (is_http2_server_settings(b, n)) return APISENSOR_PROTO_HTTP2 | sender_server << 8;
  if (is_tls_record(b, n)) return APISENSOR_PROTO_TLS;
  /* Who sends a mid-stream frame cannot be told from its header: the agent works the role out. */
  if (fb->predates_agent && is_http2_midstream_frame(b, n)) return APISENSOR_PROTO_HTTP2;
  return APISENSOR_PROTO_UNKNOWN;
}

/* What classification needs of a stream: the socket's bytes (struct apisensor_conn_state) and
 * TLS plaintext (struct tls_state) each keep these three fields. */
struct stream_kind {
  __u8 *protocol;
  __u8 *role;
  __u8 opened_under_watch;
};

/* Looks at the first bytes a chunk starts with and updates the stream's protocol and role.
 * A connection that predates the agent may be seen mid-message, so it stays UNKNOWN (and is
 * probed again at the next chunk) until a chunk starts like HTTP; only a connection watched
 * from its first byte can be declared OTHER for good. */
static __always_inline void classify(struct stream_kind k, const void *first, __u32 first_len,
                                     __u8 dir) {
  struct first_bytes fb = {.n = first_len < sizeof(fb.b) ? first_len : sizeof(fb.b),
                           .dir = dir,
                           .predates_agent = !k.opened_under_watch};
  if (bpf_probe_read_user(fb.b, sizeof(fb.b), first)) {
    /* The buffer may end near a page boundary: fall back to the exact length. */
    if (fb.n == 0 || bpf_probe_read_user(fb.b, fb.n & 15, first)) return;
  }
  int verdict = classify_first_bytes(&fb);
  __u8 protocol = verdict & 0xff, role = (verdict >> 8) & 0xff;
  if (protocol != APISENSOR_PROTO_UNKNOWN) {
    *k.protocol = protocol;
    if (*k.role == APISENSOR_ROLE_UNKNOWN && role != APISENSOR_ROLE_UNKNOWN) *k.role = role;
  } else if (k.opened_under_watch) {
    *k.protocol = APISENSOR_PROTO_OTHER;
  }
}

static __always_inline bool is_http(__u8 protocol) {
  return protocol == APISENSOR_PROTO_HTTP1 || protocol == APISENSOR_PROTO_HTTP2;
}

static __always_inline struct apisensor_conn_state *lookup_conn(__u32 tgid, int fd,
                                                                struct sock *sk) {
  struct apisensor_conn_key key = {.tgid = tgid, .fd = fd};
  struct apisensor_conn_state *c = bpf_map_lookup_elem(&conns, &key);
  if (c && c->sk == (__u64)sk) return c;
  struct apisensor_conn_state fresh = {.sk = (__u64)sk};
  if (bpf_map_update_elem(&conns, &key, &fresh, BPF_ANY)) return NULL;
  count(APISENSOR_CNT_CONN_TRACKED, 1);
  return bpf_map_lookup_elem(&conns, &key);
}

static __always_inline void remember_new_conn(__u32 tgid, int fd, __u8 role) {
  struct sock *sk = tcp_sock_of_fd(fd);
  if (!sk) return;
  struct apisensor_conn_key key = {.tgid = tgid, .fd = fd};
  struct apisensor_conn_state c = {.sk = (__u64)sk, .role = role, .opened_under_watch = 1};
  if (!bpf_map_update_elem(&conns, &key, &c, BPF_ANY)) count(APISENSOR_CNT_CONN_TRACKED, 1);
}

static __always_inline void fill_header(struct apisensor_event_header *h, __u64 pid_tgid, int fd,
                                        struct sock *sk, __u8 kind) {
  h->ts_ns = bpf_ktime_get_ns();
  h->sock = (__u64)sk;
  h->cgroup_id = bpf_get_current_cgroup_id();
  h->tgid = pid_tgid >> 32;
  h->tid = (__u32)pid_tgid;
  h->fd = fd;
  h->kind = kind;
  h->pad[0] = h->pad[1] = h->pad[2] = 0;
  bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* One user buffer to copy from: a flat buffer is a single segment. */
struct segments {
  const struct iovec *iov; /* user pointer, or NULL for the flat buffer */
  const void *flat;
  __u64 iovcnt;
};

static __always_inline const void *segment_base(const struct segments *s, __u32 i, __u64 *len) {
  if (!s->iov) {
    return s->flat; /* *len already holds the flat length */
  }
  struct iovec v = {};
  if (bpf_probe_read_user(&v, sizeof(v), &s->iov[i])) return NULL;
  *len = v.iov_len;
  return v.iov_base;
}

struct copy_ctx {
  struct segments seg;
  __u64 flat_len;
  __u32 want;
  __u32 copied;
  __u32 nseg;
  __u32 cpu;
};

/* Appends up to `len` bytes at user address `base` to a payload already `copied` bytes long,
 * stopping at `want`; returns the bytes taken, or -1 when user memory could not be read
 * (counted). Both the unrolled and the bpf_loop copy go through it. */
static __always_inline long append_segment(struct scratch *sc, __u32 copied, __u32 want,
                                           const void *base, __u64 len) {
  __u64 room = want - copied;
  /* 64-bit and masked: a 32-bit clamp leaves the verifier unsure of the upper half. */
  __u64 take = len < room ? len : room;
  take &= 2 * APISENSOR_MAX_PAYLOAD - 1;
  if (take > APISENSOR_MAX_PAYLOAD) take = APISENSOR_MAX_PAYLOAD;
  __u32 off = copied & (APISENSOR_MAX_PAYLOAD - 1);
  if (take && bpf_probe_read_user(SCRATCH_PAYLOAD(sc) + off, take, base)) {
    count(APISENSOR_CNT_READ_FAULT, 1);
    return -1;
  }
  return (long)take;
}

/* One segment per bpf_loop iteration: the loop body is verified once instead of once per
 * unrolled segment and call site, which kept the program under the verifier's budget. */
static long copy_segment(__u32 i, void *arg) {
  struct copy_ctx *c = arg;
  if (i >= c->nseg || c->copied >= c->want) return 1;
  struct scratch *sc = bpf_map_lookup_elem(&scratch_buf, &c->cpu);
  if (!sc) return 1;
  __u64 len = c->flat_len;
  const void *base = segment_base(&c->seg, i, &len);
  if (!base) {
    count(APISENSOR_CNT_READ_FAULT, 1);
    return 1;
  }
  const long took = append_segment(sc, c->copied, c->want, base, len);
  if (took < 0) return 1;
  c->copied += took;
  return 0;
}

/* Copies up to `cap` of `size` bytes from the segments into this CPU's scratch payload `sc`. */
static __always_inline __u32 copy_payload(struct scratch *sc, __u32 cpu, const struct segments *s,
                                          __u64 flat_len, __u32 size, __u32 cap) {
  __u32 want = size < cap ? size : cap;
  if (!s->iov) {
    /* The common case (read/write/send/recv): one copy, without bpf_loop's indirect calls and
     * the per-segment map lookup, which together cost as much as the copy itself. */
    if (!want) return 0;
    if (want > APISENSOR_MAX_PAYLOAD) want = APISENSOR_MAX_PAYLOAD;
    if (bpf_probe_read_user(SCRATCH_PAYLOAD(sc), want, s->flat)) {
      count(APISENSOR_CNT_READ_FAULT, 1);
      return 0;
    }
    return want;
  }
  if (s->iovcnt == 1 || s->iovcnt == 2) {
    /* writev of a header and a body (nginx, most servers): both segments unrolled, their iovecs
     * read at once, without bpf_loop's indirect calls and per-segment scratch lookups. */
    struct iovec v[2] = {};
    if (bpf_probe_read_user(v, s->iovcnt == 2 ? sizeof(v) : sizeof(v[0]), s->iov)) {
      count(APISENSOR_CNT_READ_FAULT, 1);
      return 0;
    }
    __u32 copied = 0;
    for (int i = 0; i < 2; i++) {
      if (i >= s->iovcnt || copied >= want) break;
      const long took = append_segment(sc, copied, want, v[i].iov_base, v[i].iov_len);
      if (took < 0) break;
      copied += took;
    }
    return copied;
  }
  struct copy_ctx c = {
      .seg = *s,
      .flat_len = flat_len,
      .want = want,
      .nseg = s->iovcnt < APISENSOR_MAX_IOV ? s->iovcnt : APISENSOR_MAX_IOV,
      .cpu = cpu,
  };
  bpf_loop(APISENSOR_MAX_IOV, copy_segment, &c, 0);
  if (s->iovcnt > APISENSOR_MAX_IOV && c.copied < c.want)
    count(APISENSOR_CNT_IOV_TRUNCATED, s->iovcnt - APISENSOR_MAX_IOV);
  return c.copied;
}

/* One chunk of HTTP bytes to write to the ring: from a socket syscall or a TLS library call. */
struct ship_call {
  __u64 pid_tgid;
  struct segments seg;
  __u64 flat_len; /* length of seg.flat */
  __u64 sk;
  __u32 seq;  /* stream position of the first byte */
  __u32 size; /* bytes moved */
  __s32 fd;
  __u8 dir;
  __u8 role;
  __u8 protocol;
  __u8 flags;
};

/* Not inlined: one verified copy serves the syscall and TLS paths (BPF calls take 5 arguments
 * at most, hence the struct). */
static __noinline void ship(const struct ship_call *d) {
  __u32 zero = 0;
  __u32 *busy = bpf_map_lookup_elem(&scratch_busy, &zero);
  __u32 cpu = bpf_get_smp_processor_id();
  struct scratch *sc = bpf_map_lookup_elem(&scratch_buf, &cpu);
  if (!busy || !sc) return;
  if (__sync_lock_test_and_set(busy, 1)) {
    count(APISENSOR_CNT_SCRATCH_BUSY, 1);
    return;
  }
  __u8 flags = d->flags;
  __u32 size = d->size;
  struct sock *sk = (struct sock *)d->sk;
  struct apisensor_data_event *ev = (struct apisensor_data_event *)sc->raw;
  fill_header(&ev->hdr, d->pid_tgid, d->fd, sk, APISENSOR_EV_DATA);
  fill_endpoints(AS_KERNEL(struct sock, sk), ev);
  ev->seq = d->seq;
  ev->size = size;
  ev->direction = d->dir;
  ev->role = d->role;
  ev->protocol = d->protocol;
  ev->flags = flags;

  __u32 cap = payload_cap;
  if (cap > APISENSOR_MAX_PAYLOAD) cap = APISENSOR_MAX_PAYLOAD;
  __u32 captured =
      (flags & APISENSOR_DATA_FILLER) ? 0 : copy_payload(sc, cpu, &d->seg, d->flat_len, size, cap);
  ev->captured = captured;
  if (size > captured && !(flags & APISENSOR_DATA_FILLER))
    count(APISENSOR_CNT_BYTES_TRUNCATED, size - captured);

  __u64 len = sizeof(*ev) + (captured & (2 * APISENSOR_MAX_PAYLOAD - 1));
  if (len > sizeof(*sc)) len = sizeof(*sc);
  if (bpf_ringbuf_output(&events, sc, len, wakeup_flag(len))) {
    count(APISENSOR_CNT_RING_FULL, 1);
  } else {
    count(APISENSOR_CNT_EVENTS, 1);
    count(APISENSOR_CNT_BYTES_SHIPPED, captured);
  }
  /* Same CPU only (per-CPU slot), so a compiler barrier and a plain store suffice. */
  asm volatile("" ::: "memory");
  *(volatile __u32 *)busy = 0;
}

/* `size` bytes moved through (tgid, fd) in `dir`, followed by `after` more bytes in the same
 * syscall (sendmmsg/recvmmsg only). */
struct data_call {
  __u64 pid_tgid;
  struct segments seg;
  __u64 flat_len; /* length of seg.flat */
  __u32 size;     /* bytes the syscall moved for this chunk */
  __u32 after;    /* bytes the same syscall moved after this chunk (mmsg) */
  __s32 fd;
  __u8 dir;
  __u8 flags;
};

/* A socket syscall of a thread that is inside SSL_read/SSL_write: the call's SSL object uses
 * this socket. The first socket syscall of the call wins. */
static __always_inline void link_ssl_call(int fd, struct sock *sk, __u8 dir, bool tls) {
  /* Ciphertext reads need the thread's storage even before its first SSL call (below). */
  __u64 flags = tls && dir == APISENSOR_DIR_INGRESS ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0;
  struct ssl_call *call = bpf_task_storage_get(&ssl_calls, bpf_get_current_task_btf(), NULL, flags);
  if (!call) return;
  if (call->active) {
    if (call->fd < 0) {
      call->fd = fd;
      call->sk = (__u64)sk;
    }
    return;
  }
  if (flags) {
    /* Ciphertext read outside an SSL call: remember it for a memory-BIO SSL_read that follows. */
    call->last_read_fd = fd;
    call->last_read_sk = (__u64)sk;
    call->last_read_ns = bpf_ktime_get_ns();
  }
}

/* The socket side: finds the connection, classifies it, and ships its bytes if it speaks HTTP
 * in the clear. Not inlined: one verified copy serves every syscall flavour. */
static __noinline void on_data(const struct data_call *d) {
  const struct segments *s = &d->seg;
  __u64 pid_tgid = d->pid_tgid, flat_len = d->flat_len;
  __u32 size = d->size, after = d->after;
  int fd = d->fd;
  __u8 dir = d->dir, flags = d->flags;
  if (size == 0) return;
  struct sock *sk = tcp_sock_of_fd(fd);
  if (!sk) return;
  __u32 tgid = pid_tgid >> 32;
  struct apisensor_conn_state *c = lookup_conn(tgid, fd, sk);
  if (!c) return;

  if (c->protocol == APISENSOR_PROTO_UNKNOWN && !(flags & APISENSOR_DATA_FILLER)) {
    __u64 first_len = flat_len;
    const void *first = segment_base(s, 0, &first_len);
    struct stream_kind k = {&c->protocol, &c->role, c->opened_under_watch};
    if (first) classify(k, first, first_len < size ? (__u32)first_len : size, dir);
    if (is_http(c->protocol)) {
      __u8 one = 1;
      bpf_map_update_elem(&http_tgids, &tgid, &one, BPF_ANY);
    }
  }
  if (c->protocol == APISENSOR_PROTO_TLS || c->protocol == APISENSOR_PROTO_UNKNOWN)
    link_ssl_call(fd, sk, dir, c->protocol == APISENSOR_PROTO_TLS);
  if (!is_http(c->protocol)) {
    count(APISENSOR_CNT_BYTES_NOT_COPIED, size);
    return;
  }
  if (c->peer_reported) {
    count(APISENSOR_CNT_BYTES_PEER_REPORTED, size);
    return;
  }
  /* The syscall has returned, so the socket's counters already include these bytes. */
  struct tcp_sock *tp = AS_KERNEL(struct tcp_sock, sk);
  __u32 end = dir == APISENSOR_DIR_EGRESS ? tp->write_seq : tp->copied_seq;
  struct ship_call out = {
      .pid_tgid = pid_tgid,
      .seg = *s,
      .flat_len = flat_len,
      .sk = (__u64)sk,
      .seq = end - size - after,
      .size = size,
      .fd = fd,
      .dir = dir,
      .role = c->role,
      .protocol = c->protocol,
      .flags = flags,
  };
  ship(&out);
}

static __always_inline void emit_simple(__u64 pid_tgid, int fd, __u64 sk, __u8 kind) {
  struct apisensor_event_header *h = bpf_ringbuf_reserve(&events, sizeof(*h), 0);
  if (!h) {
    count(APISENSOR_CNT_RING_FULL, 1);
    return;
  }
  fill_header(h, pid_tgid, fd, (struct sock *)sk, kind);
  bpf_ringbuf_submit(h, wakeup_flag(sizeof(*h)));
}

static __always_inline void on_close(__u64 pid_tgid, int fd) {
  struct apisensor_conn_key key = {.tgid = pid_tgid >> 32, .fd = fd};
  struct apisensor_conn_state *c = bpf_map_lookup_elem(&conns, &key);
  if (!c) return;
  bool http = is_http(c->protocol);
  if (c->protocol == APISENSOR_PROTO_TLS) {
    struct tls_state *t = bpf_map_lookup_elem(&tls_conns, &key);
    if (t) {
      http = t->sk == c->sk && is_http(t->protocol);
      bpf_map_delete_elem(&tls_conns, &key);
    }
  }
  if (http) emit_simple(pid_tgid, fd, c->sk, APISENSOR_EV_CLOSE);
  bpf_map_delete_elem(&conns, &key);
}

/* A file mapped executable: if it is a libssl, the agent probes it (and every process that
 * maps it, now or later). By name, since one prefix compare here saves the agent from rereading
 * /proc/<pid>/maps for every library every process loads. */
static __always_inline void on_exec_mmap(__u64 pid_tgid, int fd, __u64 prot) {
  if (!(prot & PROT_EXEC)) return;
  struct file *file = file_of_fd(fd);
  if (!file) return;
  char name[8] = {};
  if (bpf_probe_read_kernel(name, sizeof(name), file->f_path.dentry->d_name.name)) return;
  if (name[0] == 'l' && name[1] == 'i' && name[2] == 'b' && name[3] == 's' && name[4] == 's' &&
      name[5] == 'l' && name[6] == '.' && name[7] == 's')
    emit_simple(pid_tgid, fd, 0, APISENSOR_EV_LIBSSL_MAPPED);
}

/* sendmmsg/recvmmsg: each message is its own chunk. The socket counter read at exit covers all
 * of them, so every message is placed by the bytes of the messages that follow it. */
static __always_inline void on_mmsg(struct data_call *d, struct mmsghdr *msgs, __u32 n) {
  if (n > APISENSOR_MAX_MMSG) {
    /* The positions of the messages we would copy depend on the ones we would not: skip all,
     * and let reassembly see the hole rather than misplaced bytes. */
    count(APISENSOR_CNT_IOV_TRUNCATED, n);
    return;
  }
  __u32 lens[APISENSOR_MAX_MMSG] = {};
  __u32 total = 0;
  for (__u32 i = 0; i < APISENSOR_MAX_MMSG; i++) {
    if (i >= n) break;
    if (bpf_probe_read_user(&lens[i], sizeof(lens[i]), &msgs[i].msg_len)) return;
    total += lens[i];
  }
  __u32 before = 0;
  for (__u32 i = 0; i < APISENSOR_MAX_MMSG; i++) {
    if (i >= n) break;
    struct user_msghdr hdr = {};
    if (bpf_probe_read_user(&hdr, sizeof(hdr), &msgs[i].msg_hdr)) {
      count(APISENSOR_CNT_READ_FAULT, 1);
      return;
    }
    before += lens[i];
    d->seg.iov = hdr.msg_iov;
    d->seg.iovcnt = hdr.msg_iovlen;
    d->size = lens[i];
    d->after = total - before;
    on_data(d);
  }
}

SEC("tp_btf/sys_exit")
int BPF_PROG(apisensor_sys_exit, struct pt_regs *regs, long ret) {
  long nr = regs->orig_ax;
  switch (nr) {
    case NR_read:
    case NR_write:
    case NR_readv:
    case NR_writev:
    case NR_sendto:
    case NR_recvfrom:
    case NR_sendmsg:
    case NR_recvmsg:
    case NR_sendmmsg:
    case NR_recvmmsg:
    case NR_sendfile:
    case NR_connect:
    case NR_accept:
    case NR_accept4:
    case NR_close:
    case NR_mmap:
      break;
    default:
      return 0;
  }
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  __u32 tgid = pid_tgid >> 32;
  if (tgid == agent_tgid) return 0;

  int fd = (int)regs->di;
  switch (nr) {
    case NR_connect:
      if (ret == 0 || ret == -EINPROGRESS) remember_new_conn(tgid, fd, APISENSOR_ROLE_CLIENT);
      return 0;
    case NR_accept:
    case NR_accept4:
      if (ret >= 0) remember_new_conn(tgid, (int)ret, APISENSOR_ROLE_SERVER);
      return 0;
    case NR_close:
      if (ret == 0) on_close(pid_tgid, fd);
      return 0;
    case NR_mmap:
      if (ret >= 0 || ret < -4095) on_exec_mmap(pid_tgid, (int)regs->r8, regs->dx);
      return 0;
  }
  if (ret <= 0) return 0;

  struct data_call d = {.pid_tgid = pid_tgid, .fd = fd, .size = (__u32)ret};
  switch (nr) {
    case NR_write:
    case NR_sendto:
    case NR_read:
    case NR_recvfrom:
      if (nr == NR_recvfrom && (regs->r10 & MSG_PEEK)) {
        count(APISENSOR_CNT_PEEK_SKIPPED, 1);
        return 0;
      }
      d.dir = (nr == NR_write || nr == NR_sendto) ? APISENSOR_DIR_EGRESS : APISENSOR_DIR_INGRESS;
      d.seg.flat = (const void *)regs->si;
      d.flat_len = regs->dx;
      break;
    case NR_writev:
    case NR_readv:
      d.dir = nr == NR_writev ? APISENSOR_DIR_EGRESS : APISENSOR_DIR_INGRESS;
      d.seg.iov = (const struct iovec *)regs->si;
      d.seg.iovcnt = regs->dx;
      break;
    case NR_sendmsg:
    case NR_recvmsg: {
      if (nr == NR_recvmsg && (regs->dx & MSG_PEEK)) {
        count(APISENSOR_CNT_PEEK_SKIPPED, 1);
        return 0;
      }
      struct user_msghdr msg = {};
      if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)regs->si)) {
        count(APISENSOR_CNT_READ_FAULT, 1);
        return 0;
      }
      d.dir = nr == NR_sendmsg ? APISENSOR_DIR_EGRESS : APISENSOR_DIR_INGRESS;
      d.seg.iov = msg.msg_iov;
      d.seg.iovcnt = msg.msg_iovlen;
      break;
    }
    case NR_sendmmsg:
    case NR_recvmmsg:
      d.dir = nr == NR_sendmmsg ? APISENSOR_DIR_EGRESS : APISENSOR_DIR_INGRESS;
      on_mmsg(&d, (struct mmsghdr *)regs->si, (__u32)ret);
      return 0;
    case NR_sendfile:
      /* sendfile(out_fd, in_fd, ...): the bytes never pass through user memory. */
      d.dir = APISENSOR_DIR_EGRESS;
      d.flags = APISENSOR_DATA_FILLER;
      break;
    default:
      return 0;
  }
  on_data(&d);
  return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(apisensor_process_exit, struct task_struct *task) {
  __u32 pid = task->pid;
  __u32 tgid = task->tgid;
  if (pid != tgid) return 0; /* a thread, not the process */
  if (!bpf_map_lookup_elem(&http_tgids, &tgid)) return 0;
  bpf_map_delete_elem(&http_tgids, &tgid);
  emit_simple(((__u64)tgid << 32) | pid, -1, 0, APISENSOR_EV_PROC_EXIT);
  return 0;
}

/* A new program: the agent checks (once per executable file) whether it links OpenSSL
 * statically, which no library mapping would reveal. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(apisensor_process_exec, struct task_struct *task, pid_t old_pid,
             struct linux_binprm *bprm) {
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  if ((__u32)(pid_tgid >> 32) == agent_tgid) return 0;
  emit_simple(pid_tgid, -1, 0, APISENSOR_EV_EXEC);
  return 0;
}

#include "openssl.bpf.h"
