/* An HTTPS client with OpenSSL linked in statically, for the e2e test that the agent finds
 * OpenSSL inside executables (no libssl file is mapped). Waits for a line on stdin, so the test
 * can let the agent attach first, then sends one GET and prints the status line.
 *
 * Usage: static_tls_get HOST PORT PATH */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what) {
  fprintf(stderr, "static_tls_get: %s\n", what);
  ERR_print_errors_fp(stderr);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 4) return fail("usage: static_tls_get HOST PORT PATH");
  char go[16];
  if (!fgets(go, sizeof(go), stdin)) return fail("no go-ahead on stdin");

  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) return fail("bad IPv4 address");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) return fail("connect");

  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  SSL *ssl = ctx ? SSL_new(ctx) : NULL;
  if (!ssl || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1) return fail("TLS handshake");

  char request[512];
  int n = snprintf(request, sizeof(request),
                   "GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n", argv[3], argv[1],
                   argv[2]);
  if (SSL_write(ssl, request, n) != n) return fail("SSL_write");

  char response[16384];
  size_t got = 0;
  int r;
  while (got < sizeof(response) - 1 &&
         (r = SSL_read(ssl, response + got, (int)(sizeof(response) - 1 - got))) > 0)
    got += (size_t)r;
  response[got] = '\0';
  char *eol = strstr(response, "\r\n");
  if (eol) *eol = '\0';
  printf("%s\n", response);

  SSL_shutdown(ssl);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  return 0;
}
