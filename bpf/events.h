/* The one contract between the BPF programs and the agent: every record the kernel side
 * writes to the ring buffer, and every counter it keeps. Included by C (BPF, with vmlinux.h)
 * and by C++ (with <linux/types.h>), so it holds only fixed-width fields and no padding holes. */
#ifndef APISENSOR_BPF_EVENTS_H_
#define APISENSOR_BPF_EVENTS_H_

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Upper bound of the per-event payload; the configured cap (default 16 KiB) may be lower. */
#define APISENSOR_MAX_PAYLOAD (32 * 1024)
#define APISENSOR_DEFAULT_PAYLOAD (16 * 1024)
/* Segments of one readv/writev/sendmsg/recvmsg that are copied; later ones are counted only. */
#define APISENSOR_MAX_IOV 16
/* Messages of one sendmmsg/recvmmsg that are looked at. */
#define APISENSOR_MAX_MMSG 8
#define APISENSOR_COMM_LEN 16

enum apisensor_event_kind {
  APISENSOR_EV_DATA = 1,      /* bytes of a socket syscall (payload may be empty: see size) */
  APISENSOR_EV_CLOSE = 2,     /* the process closed a tracked socket */
  APISENSOR_EV_PROC_EXIT = 3, /* a process ended: its sockets are gone without close() */
  APISENSOR_EV_LIBSSL_MAPPED = 4, /* a process mapped a libssl file executable: probe it */
  APISENSOR_EV_EXEC = 5,          /* a process ran a new program: it may hold OpenSSL itself */
};

enum apisensor_direction {
  APISENSOR_DIR_EGRESS = 0,  /* written by the traced process */
  APISENSOR_DIR_INGRESS = 1, /* read by the traced process */
};

enum apisensor_role {
  APISENSOR_ROLE_UNKNOWN = 0,
  APISENSOR_ROLE_CLIENT = 1, /* connect()ed, or sent the first request */
  APISENSOR_ROLE_SERVER = 2, /* accept()ed, or received the first request */
};

/* What the first bytes of a connection looked like. Only HTTP ships payload. */
enum apisensor_protocol {
  APISENSOR_PROTO_UNKNOWN = 0, /* nothing recognisable seen yet */
  APISENSOR_PROTO_HTTP1 = 1,
  APISENSOR_PROTO_HTTP2 = 2,
  APISENSOR_PROTO_TLS = 3,   /* ciphertext: never shipped */
  APISENSOR_PROTO_OTHER = 4, /* seen from its first byte, and not HTTP: never shipped */
};

enum apisensor_data_flags {
  APISENSOR_DATA_FILLER = 1 << 0, /* sendfile(): bytes moved kernel-side, size only */
  APISENSOR_DATA_TLS = 1 << 1,    /* plaintext of a TLS library call; seq counts plaintext */
};

struct apisensor_endpoint {
  __u8 addr[16]; /* IPv4 in the first 4 bytes */
  __u16 port;    /* host byte order */
  __u16 family;  /* AF_INET or AF_INET6 */
  __u32 pad;
};

/* Common to all records. A connection is (tgid, fd, sock): the sock pointer tells a reused fd. */
struct apisensor_event_header {
  __u64 ts_ns; /* CLOCK_MONOTONIC */
  __u64 sock;  /* kernel struct sock address, as a generation tag only */
  __u64 cgroup_id;
  __u32 tgid;
  __u32 tid;
  __s32 fd;
  __u8 kind; /* apisensor_event_kind */
  __u8 pad[3];
  char comm[APISENSOR_COMM_LEN];
};

struct apisensor_data_event {
  struct apisensor_event_header hdr;
  struct apisensor_endpoint local;
  struct apisensor_endpoint remote;
  __u32 seq;      /* position of the first byte in this direction (wraps at 2^32): TCP sequence,
                     or plaintext bytes so far with APISENSOR_DATA_TLS */
  __u32 size;     /* true byte count of the syscall */
  __u32 captured; /* bytes of payload that follow (<= size, <= the configured cap) */
  __u8 direction; /* apisensor_direction */
  __u8 role;      /* apisensor_role */
  __u8 protocol;  /* apisensor_protocol */
  __u8 flags;     /* apisensor_data_flags */
  __u8 payload[]; /* captured bytes */
};

/* Counters kept per CPU in the `counters` array map, indexed by this enum; the agent sums them. */
enum apisensor_counter {
  APISENSOR_CNT_EVENTS = 0,          /* data records written to the ring */
  APISENSOR_CNT_RING_FULL,           /* records lost because the ring buffer was full */
  APISENSOR_CNT_BYTES_SHIPPED,       /* payload bytes written to the ring */
  APISENSOR_CNT_BYTES_TRUNCATED,     /* bytes of HTTP traffic beyond the payload cap */
  APISENSOR_CNT_BYTES_NOT_COPIED,    /* bytes of TLS/other/unclassified traffic, counted only */
  APISENSOR_CNT_IOV_TRUNCATED,       /* iovec segments or mmsg messages past the walk limit */
  APISENSOR_CNT_SCRATCH_BUSY,        /* records lost because this CPU's scratch was in use */
  APISENSOR_CNT_READ_FAULT,          /* user buffers that could not be read */
  APISENSOR_CNT_PEEK_SKIPPED,        /* MSG_PEEK reads (the data is read again later) */
  APISENSOR_CNT_CONN_TRACKED,        /* connections entered into the kernel table */
  APISENSOR_CNT_BYTES_PEER_REPORTED, /* bytes of clients whose server here reports them */
  APISENSOR_CNT_TLS_UNLINKED,        /* SSL calls whose socket could not be found */
  APISENSOR_CNT_TLS_LINKED_BY_READ,  /* SSL objects tied to the socket their thread just read */
  APISENSOR_CNT_MAX,
};

/* The kernel's table of sockets (`conns`, keyed by process and fd). The agent writes one field:
 * peer_reported, once it has seen that a client connection's server is traced on this host and
 * reports the same exchanges; the kernel then counts that client's bytes instead of copying. */
struct apisensor_conn_key {
  __u32 tgid;
  __s32 fd;
};
struct apisensor_conn_state {
  __u64 sk;                /* the struct sock this fd had when the entry was made */
  __u8 role;               /* apisensor_role */
  __u8 protocol;           /* apisensor_protocol */
  __u8 opened_under_watch; /* connect/accept seen: the first byte seen is the stream's first */
  __u8 peer_reported;      /* set by the agent: see above */
  __u8 pad[4];
};

#endif /* APISENSOR_BPF_EVENTS_H_ */
