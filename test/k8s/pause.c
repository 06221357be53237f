/* pause.c: the sandbox ("pause") image's only program, as the CRI expects
 * of one: it holds the pod's namespaces, sleeps until told to stop, and,
 * as PID 1 of a pod whose containers share its pid namespace, reaps the
 * orphans those containers leave. Built static with musl-gcc (test/k8s/
 * k8s.mk) and imported as the pod sandbox image by test/k8s/run.sh. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig)
{
	_exit(0);
}

static void reap(int sig)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = stop };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = reap;
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	for (;;)
		pause();
}
