/* TLS plaintext from OpenSSL: uprobes on SSL_read/SSL_write and their _ex forms, attached by the
 * agent to every libssl it finds. Part of apisensor.bpf.c (one object, so the probes share its
 * maps and its shipping path); included at its end.
 *
 * The entry probe remembers the call (SSL *, buffer); the socket syscall the library makes
 * inside it links the SSL object to its socket (link_ssl_call, in the syscall path); the return
 * probe ships the plaintext the call moved, placed by per-connection plaintext counters.
 * (BPF_KPROBE/BPF_KRETPROBE: libbpf 1.1 has no BPF_UPROBE spelling; the ABI is the same.) */

#ifndef APISENSOR_OPENSSL_BPF_H_
#define APISENSOR_OPENSSL_BPF_H_

/* How soon after reading ciphertext a memory-BIO SSL_read must come to be tied to that socket. */
#define MEMORY_BIO_READ_WINDOW_NS (5 * 1000 * 1000)

static __always_inline int remember_ssl_call(void *ssl, const void *buf, void *len_out, __u8 dir) {
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  if ((__u32)(pid_tgid >> 32) == agent_tgid) return 0;
  struct ssl_call *call = bpf_task_storage_get(&ssl_calls, bpf_get_current_task_btf(), NULL,
                                               BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!call) return 0;
  call->ssl = (__u64)ssl;
  call->buf = (__u64)buf;
  call->len_out = (__u64)len_out;
  call->sk = 0;
  call->fd = -1;
  call->dir = dir;
  call->active = 1;
  call->pad[0] = call->pad[1] = 0;
  return 0;
}

SEC("uprobe")
int BPF_KPROBE(apisensor_ssl_write, void *ssl, const void *buf, int num) {
  return remember_ssl_call(ssl, buf, NULL, APISENSOR_DIR_EGRESS);
}

SEC("uprobe")
int BPF_KPROBE(apisensor_ssl_write_ex, void *ssl, const void *buf, __u64 num, __u64 *written) {
  return remember_ssl_call(ssl, buf, written, APISENSOR_DIR_EGRESS);
}

SEC("uprobe")
int BPF_KPROBE(apisensor_ssl_read, void *ssl, void *buf, int num) {
  return remember_ssl_call(ssl, buf, NULL, APISENSOR_DIR_INGRESS);
}

SEC("uprobe")
int BPF_KPROBE(apisensor_ssl_read_ex, void *ssl, void *buf, __u64 num, __u64 *readbytes) {
  return remember_ssl_call(ssl, buf, readbytes, APISENSOR_DIR_INGRESS);
}

/* OpenSSL's internal ssl_read_internal/ssl_write_internal, which every public read and write
 * calls, when the agent found them (agent/capture/openssl_internals.h): the byte count always
 * comes back through `done`. */
SEC("uprobe")
int BPF_KPROBE(apisensor_ssl_read_internal, void *ssl, void *buf, __u64 num, __u64 *done) {
  return remember_ssl_call(ssl, buf, done, APISENSOR_DIR_INGRESS);
}

SEC("uprobe")
int BPF_KPROBE(apisensor_ssl_write_internal, void *ssl, const void *buf, __u64 num, __u64 *done) {
  return remember_ssl_call(ssl, buf, done, APISENSOR_DIR_EGRESS);
}

/* The plaintext side of (tgid, fd): found, or made when the socket's SSL traffic is first seen.
 * A new entry inherits what the socket entry knows (role, whether seen from its start). */
static __always_inline struct tls_state *lookup_tls(__u32 tgid, int fd, struct sock *sk,
                                                    struct apisensor_conn_state *socket_side) {
  struct apisensor_conn_key key = {.tgid = tgid, .fd = fd};
  struct tls_state *t = bpf_map_lookup_elem(&tls_conns, &key);
  if (t && t->sk == (__u64)sk) return t;
  struct tls_state fresh = {
      .sk = (__u64)sk,
      .role = socket_side->role,
      .opened_under_watch = socket_side->opened_under_watch,
  };
  if (bpf_map_update_elem(&tls_conns, &key, &fresh, BPF_ANY)) return NULL;
  return bpf_map_lookup_elem(&tls_conns, &key);
}

/* `size` bytes of plaintext at `buf` went through SSL object `ssl` on `fd`. */
static __noinline void on_tls_data(__u64 pid_tgid, int fd, __u64 buf, __u32 size, __u8 dir) {
  struct sock *sk = tcp_sock_of_fd(fd);
  if (!sk) {
    count(APISENSOR_CNT_TLS_UNLINKED, 1);
    return;
  }
  __u32 tgid = pid_tgid >> 32;
  struct apisensor_conn_state *c = lookup_conn(tgid, fd, sk);
  if (!c) return;
  if (c->protocol == APISENSOR_PROTO_UNKNOWN) c->protocol = APISENSOR_PROTO_TLS;
  if (c->peer_reported) {
    /* The agent parses this connection no more, so its positions need not advance. */
    count(APISENSOR_CNT_BYTES_PEER_REPORTED, size);
    return;
  }
  struct tls_state *t = lookup_tls(tgid, fd, sk, c);
  if (!t) return;
  if (t->protocol == APISENSOR_PROTO_UNKNOWN) {
    struct stream_kind k = {&t->protocol, &t->role, t->opened_under_watch};
    classify(k, (const void *)buf, size, dir);
    if (is_http(t->protocol)) {
      __u8 one = 1;
      bpf_map_update_elem(&http_tgids, &tgid, &one, BPF_ANY);
    }
  }
  /* Positions advance whatever happens to the bytes, so the agent sees true gaps. */
  __u32 seq = t->seq[dir & 1];
  t->seq[dir & 1] = seq + size;
  if (!is_http(t->protocol)) {
    count(APISENSOR_CNT_BYTES_NOT_COPIED, size);
    return;
  }
  struct ship_call out = {
      .pid_tgid = pid_tgid,
      .seg = {.flat = (const void *)buf},
      .flat_len = size,
      .sk = (__u64)sk,
      .seq = seq,
      .size = size,
      .fd = fd,
      .dir = dir,
      .role = t->role,
      .protocol = t->protocol,
      .flags = APISENSOR_DATA_TLS,
  };
  ship(&out);
}

/* One return probe for all probed functions: the remembered call says which it was. */
SEC("uretprobe")
int BPF_KRETPROBE(apisensor_ssl_return, long ret) {
  __u64 pid_tgid = bpf_get_current_pid_tgid();
  struct ssl_call *pending = bpf_task_storage_get(&ssl_calls, bpf_get_current_task_btf(), NULL, 0);
  if (!pending || !pending->active) return 0;
  struct ssl_call call = *pending;
  pending->active = 0;

  /* All probed functions return int: > 0 on success. The _ex forms and the internal functions
   * return the byte count through the pointer; SSL_read/SSL_write return it. */
  int result = (int)ret;
  if (result <= 0) return 0;
  __u64 moved = (__u64)result;
  if (call.len_out && bpf_probe_read_user(&moved, sizeof(moved), (const void *)call.len_out))
    return 0;
  if (moved == 0 || moved > 0x7fffffff) return 0;

  struct ssl_key key = {.ssl = call.ssl, .tgid = pid_tgid >> 32};
  int fd = call.fd;
  if (fd >= 0) {
    /* Most calls make a syscall and find the link unchanged: a lookup is cheaper than an LRU
     * update. */
    struct ssl_link *known = bpf_map_lookup_elem(&ssl_links, &key);
    if (!known || known->fd != fd || known->sk != call.sk) {
      struct ssl_link link = {.sk = call.sk, .fd = fd};
      bpf_map_update_elem(&ssl_links, &key, &link, BPF_ANY);
    }
  } else {
    /* No syscall inside the call: OpenSSL served it from its buffer (or wrote it to a BIO that
     * is flushed later). The socket it used last time is the one. */
    struct ssl_link *link = bpf_map_lookup_elem(&ssl_links, &key);
    if (link) {
      fd = link->fd;
    } else if (call.dir == APISENSOR_DIR_INGRESS && call.last_read_fd >= 0 && call.last_read_sk &&
               bpf_ktime_get_ns() - call.last_read_ns < MEMORY_BIO_READ_WINDOW_NS) {
      /* A memory-BIO library decrypting what this thread just read from a TLS socket; the
       * link is cached, so this object's writes find the socket too. */
      struct ssl_link fresh = {.sk = call.last_read_sk, .fd = call.last_read_fd};
      bpf_map_update_elem(&ssl_links, &key, &fresh, BPF_ANY);
      count(APISENSOR_CNT_TLS_LINKED_BY_READ, 1);
      fd = call.last_read_fd;
    } else {
      count(APISENSOR_CNT_TLS_UNLINKED, 1);
      return 0;
    }
  }
  on_tls_data(pid_tgid, fd, call.buf, (__u32)moved, call.dir);
  return 0;
}

SEC("uprobe")
int BPF_KPROBE(apisensor_ssl_free, void *ssl) {
  struct ssl_key key = {.ssl = (__u64)ssl, .tgid = bpf_get_current_pid_tgid() >> 32};
  bpf_map_delete_elem(&ssl_links, &key);
  return 0;
}

#endif /* APISENSOR_OPENSSL_BPF_H_ */
