/* SPDX-License-Identifier: GPL-2.0 */
/* Entry points of the watchbpf sub-commands (see the table in main.c).
 * Each takes argv with argv[0] being the command name and returns the
 * process exit status. */
#ifndef WATCHBPF_COMMANDS_H
#define WATCHBPF_COMMANDS_H

/* The policy `watchbpf run` (and --enforce, --audit) loads when given none:
 * where `make install` puts deploy/policy.yaml, and the unit's policy. */
#define WB_DEFAULT_POLICY "/etc/watchbpf/policy.yaml"

int cmd_run(int argc, char **argv); /* gatekeeper/run.c */
int cmd_doctor(int argc, char **argv); /* gatekeeper/doctor.c */
int cmd_status(int argc, char **argv); /* gatekeeper/status.c */
int cmd_digest(int argc, char **argv); /* fsverity/digest_cmd.c */
int cmd_sign(int argc, char **argv); /* fsverity/sign_cmd.c */
int cmd_verify(int argc, char **argv); /* fsverity/verify_cmd.c */
int cmd_check(int argc, char **argv); /* policy/check_cmd.c */
int cmd_log(int argc, char **argv); /* log/log_cmd.c */
int cmd_learn(int argc, char **argv); /* learn/learn_cmd.c */
int cmd_stop(int argc, char **argv); /* gatekeeper/request_cmd.c */
int cmd_reload(int argc, char **argv); /* gatekeeper/request_cmd.c */
int cmd_upgrade(int argc, char **argv); /* gatekeeper/request_cmd.c */
int cmd_request(int argc, char **argv); /* gatekeeper/request_cmd.c */
int cmd_enroll(int argc, char **argv); /* integrity/enroll.c */

#endif
