//===- LaunchRanks.cpp - dnp-train --nproc N: the ranks of a local job ----===//
//
// The one-machine launcher: what torchrun --standalone does, for a program
// that is its own worker. Each child is this program again with the
// torchrun environment (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT). The parent only waits: when a rank fails it says which and
// how, gives the others the grace period to notice (they exit on their own
// with the collective's error), then stops those still running.
//
//===----------------------------------------------------------------------===//
#include "dnp/Train/Distributed.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

using namespace dnp::train;

namespace {

volatile sig_atomic_t pendingSignal = 0;

void onSignal(int sig) { pendingSignal = sig; }

int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

std::string describe(int status) {
  if (WIFEXITED(status))
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char *name = strsignal(sig);
    return "was killed by signal " + std::to_string(sig) + " (" +
           (name ? name : "?") + ")";
  }
  return "stopped (status " + std::to_string(status) + ")";
}

} // namespace

int dnp::train::launchLocalRanks(const std::string &program,
                                 const std::vector<std::string> &argv,
                                 int nproc, int port, int threadsPerRank,
                                 double graceSeconds) {
  if (nproc < 1) {
    std::fprintf(stderr, "dnp-train: --nproc must be at least 1, got %d\n",
                 nproc);
    return 1;
  }
  if (port == 0)
    port = freePort();
  if (port == 0) {
    std::fprintf(stderr, "dnp-train: no free port on 127.0.0.1 for the "
                         "rendezvous; set --master-port\n");
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::vector<pid_t> pids(nproc, -1);
  for (int r = 0; r < nproc; ++r) {
    pid_t pid = fork();
    if (pid < 0) {
      std::perror("dnp-train: fork");
      for (pid_t p : pids)
        if (p > 0)
          kill(p, SIGTERM);
      return 1;
    }
    if (pid == 0) {
      setenv("RANK", std::to_string(r).c_str(), 1);
      setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      setenv("MASTER_ADDR", "127.0.0.1", 1);
      setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      if (threadsPerRank > 0)
        setenv("OMP_NUM_THREADS", std::to_string(threadsPerRank).c_str(), 1);
      std::vector<char *> args;
      args.push_back(const_cast<char *>(program.c_str()));
      for (const std::string &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
      args.push_back(nullptr);
      execv(program.c_str(), args.data());
      std::fprintf(stderr, "dnp-train: cannot run %s: %s\n", program.c_str(),
                   std::strerror(errno));
      _exit(127);
    }
    pids[r] = pid;
  }

  using Clock = std::chrono::steady_clock;
  int running = nproc, result = 0;
  bool stopping = false;
  Clock::time_point stopAt{};
  while (running > 0) {
    if (pendingSignal && !stopping) {
      for (pid_t p : pids)
        if (p > 0)
          kill(p, pendingSignal);
      stopping = true;
      result = 1;
      stopAt = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(graceSeconds));
    }
    int status = 0;
    pid_t done = waitpid(-1, &status, WNOHANG);
    if (done > 0) {
      for (int r = 0; r < nproc; ++r) {
        if (pids[r] != done)
          continue;
        pids[r] = -1;
        --running;
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!ok) {
          std::fprintf(stderr, "dnp-train: rank %d (pid %d) %s\n", r,
                       static_cast<int>(done), describe(status).c_str());
          result = 1;
          if (!stopping) {
            stopping = true;
            stopAt = Clock::now() +
                     std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(graceSeconds));
          }
        }
      }
      continue;
    }
    if (stopping && Clock::now() >= stopAt) {
      for (int r = 0; r < nproc; ++r)
        if (pids[r] > 0) {
          std::fprintf(stderr,
                       "dnp-train: rank %d still running %.0f s after the "
                       "failure; stopping it\n",
                       r, graceSeconds);
          kill(pids[r], SIGKILL);
        }
      stopAt = Clock::now() + std::chrono::hours(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return result;
}
