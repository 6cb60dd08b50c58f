// fakeclock: a preload library that moves a process's clocks by an offset
// the conformance harness controls, for Firefox's preflight cache caps
// (see ../clock.go, FakeClock). libfaketime cannot be used: Firefox's allocator reads the
// clock while it initialises, and libfaketime's first clock call looks a
// symbol up with dlsym, whose error path allocates: the process deadlocks
// before main. This library never allocates and never calls dlsym: it asks
// the kernel directly (the syscall, not the vDSO) and adds the offset, in
// nanoseconds, that the harness keeps in the first 8 bytes of the file
// named by CORSIM_FAKECLOCK_FILE, mapped shared so that a change is seen at
// once by every process that mapped it (forked children keep the mapping).
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int64_t *offset_ns;

__attribute__((constructor)) static void fakeclock_init(void) {
	const char *path = getenv("CORSIM_FAKECLOCK_FILE");
	if (path == NULL) {
		return;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return;
	}
	void *m = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m != MAP_FAILED) {
		offset_ns = m;
	}
}

static int64_t offset(void) {
	return offset_ns == NULL ? 0 : __atomic_load_n(offset_ns, __ATOMIC_RELAXED);
}

int clock_gettime(clockid_t clk, struct timespec *ts) {
	if (syscall(SYS_clock_gettime, clk, ts) != 0) {
		return -1;
	}
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		break;
	default:
		return 0; // CPU-time clocks are left alone
	}
	int64_t o = offset();
	if (o != 0) {
		int64_t ns = (int64_t)ts->tv_nsec + o % 1000000000;
		ts->tv_sec += o / 1000000000 + ns / 1000000000;
		ts->tv_nsec = ns % 1000000000;
		if (ts->tv_nsec < 0) {
			ts->tv_nsec += 1000000000;
			ts->tv_sec--;
		}
	}
	return 0;
}

int gettimeofday(struct timeval *tv, void *tz) {
	(void)tz;
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		return -1;
	}
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t time(time_t *t) {
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		return (time_t)-1;
	}
	if (t != NULL) {
		*t = ts.tv_sec;
	}
	return ts.tv_sec;
}
