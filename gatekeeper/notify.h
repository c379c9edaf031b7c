/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service manager's readiness protocol (sd_notify(3)) without
 * libsystemd: one datagram per state change to the AF_UNIX socket named by
 * $NOTIFY_SOCKET, a path or, with a leading '@', an abstract name. Without
 * $NOTIFY_SOCKET (not started by systemd with Type=notify) every call does
 * nothing. A failure to send is reported once, on stderr, and is never
 * fatal: the gatekeeper goes on enforcing whether or not systemd heard.
 */
#ifndef WATCHBPF_NOTIFY_H
#define WATCHBPF_NOTIFY_H

/* Sends MSG as it is. 1 when sent, 0 without $NOTIFY_SOCKET, or -errno. */
int notify_send(const char *msg);

/* "READY=1\nSTATUS=<status>\nMAINPID=<pid>": the policy is in force. */
int notify_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "RELOADING=1\nMONOTONIC_USEC=<CLOCK_MONOTONIC in µs>": a reload (or an
 * upgrade) begins; a notify_ready() ends it. systemd 253 and later match
 * it to their own reload request by the timestamp (Type=notify-reload);
 * earlier versions ignore MONOTONIC_USEC. */
int notify_reloading(void);

/* "STOPPING=1", with "\nSTATUS=<status>" unless STATUS is NULL. */
int notify_stopping(const char *status);

/* "STATUS=<status>": free text for `systemctl status`. */
int notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
