/* task_runner.h — the task runner: a process the master forks (and restarts when it dies)
 * beside its workers.  CARD_TASKS threads each claim the oldest queued task
 * (card_task_claim, FOR UPDATE SKIP LOCKED: several runners or instances never take the same
 * one) and run it (task.h); a heartbeat thread says every few seconds that this runner's
 * tasks are alive and fails the running tasks of dead runners (a process of this host that
 * no longer exists, or a runner silent for 30 s) with the reason in their log. */
#ifndef CARD_TASK_RUNNER_H
#define CARD_TASK_RUNNER_H
/* task_runner_main: run until SIGTERM/SIGINT; the exit status. */
int task_runner_main(void);
#endif
