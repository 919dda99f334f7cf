/* log.h — one-line structured logs to stderr; never a password, token or cookie. */
#ifndef CARD_LOG_H
#define CARD_LOG_H
/* log_now_us: monotonic microseconds. */
long long log_now_us(void);
/* log_msg: "ts pid msg" on one line (newlines in the message are flattened). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
