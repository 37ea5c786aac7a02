//===- DistributedTest.cpp - Communicator over c10d between two processes ===//
//
// Rank 0 is the test; rank 1 is this same binary started again with
// DNP_COMM_WORKER=<scenario>:<port> in its environment, which a static
// initializer catches before gtest runs (so the worker shares no threads
// or state with the test).
//
//===----------------------------------------------------------------------===//
#include "dnp/Train/Distributed.h"

#include "gtest/gtest.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char **environ;

using namespace dnp::train;

namespace {

DistributedOptions twoRanks(int rank, int port, double timeout = 20) {
  DistributedOptions o;
  o.rank = rank;
  o.worldSize = 2;
  o.masterAddr = "127.0.0.1";
  o.masterPort = port;
  o.timeoutSeconds = timeout;
  return o;
}

/// The worker side of each scenario (rank 1). Exit status 0 = as expected.
int worker(const std::string &scenario, int port) {
  std::string error;
  auto comm = Communicator::connect(twoRanks(1, port), error);
  if (!comm)
    return 10;
  std::vector<float> f = {1, 2, 3};
  std::vector<double> d = {0.25};
  comm->allReduceSum(f.data(), f.size(), "floats");
  comm->allReduceSum(d.data(), d.size(), "doubles");
  if (scenario == "die")
    _exit(3); // mid-job, without a word
  std::vector<float> b = {0, 0};
  comm->broadcast(b.data(), b.size(), "broadcast");
  if (b[0] != 7 || b[1] != 8)
    return 11;
  auto all = comm->allGather("from-1", "gather");
  if (all.size() != 2 || all[0] != "from-0" || all[1] != "from-1")
    return 12;
  try {
    comm->agree(scenario == "disagree" ? "model B" : "model A", "the model");
  } catch (const CommError &) {
    return scenario == "disagree" ? 0 : 13;
  }
  comm->barrier("end");
  return 0;
}

struct WorkerHook {
  WorkerHook() {
    const char *spec = std::getenv("DNP_COMM_WORKER");
    if (!spec)
      return;
    std::string s(spec);
    size_t colon = s.find(':');
    int code = 20;
    try {
      code = worker(s.substr(0, colon), std::atoi(s.c_str() + colon + 1));
    } catch (const std::exception &e) {
      std::fprintf(stderr, "worker: %s\n", e.what());
      code = 21;
    }
    _exit(code);
  }
} hook;

int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

pid_t spawnWorker(const std::string &scenario, int port) {
  std::string var = "DNP_COMM_WORKER=" + scenario + ":" + std::to_string(port);
  std::vector<char *> env;
  for (char **e = environ; *e; ++e)
    env.push_back(*e);
  env.push_back(const_cast<char *>(var.c_str()));
  env.push_back(nullptr);
  char self[] = "/proc/self/exe";
  char *argv[] = {self, nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv,
                  env.data()) != 0)
    return -1;
  return pid;
}

int waitWorker(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(Distributed, CollectivesAgreeAcrossTwoProcesses) {
  int port = freePort();
  pid_t pid = spawnWorker("ok", port);
  ASSERT_GT(pid, 0);
  std::string error;
  auto comm = Communicator::connect(twoRanks(0, port), error);
  ASSERT_TRUE(comm) << error;
  EXPECT_EQ(comm->rank(), 0);
  EXPECT_EQ(comm->size(), 2);
  std::vector<float> f = {10, 20, 30};
  std::vector<double> d = {0.5};
  comm->allReduceSum(f.data(), f.size(), "floats");
  comm->allReduceSum(d.data(), d.size(), "doubles");
  EXPECT_EQ(f, (std::vector<float>{11, 22, 33}));
  EXPECT_EQ(d[0], 0.75);
  std::vector<float> b = {7, 8};
  comm->broadcast(b.data(), b.size(), "broadcast");
  auto all = comm->allGather("from-0", "gather");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1], "from-1");
  EXPECT_NO_THROW(comm->agree("model A", "the model"));
  comm->barrier("end");
  EXPECT_EQ(waitWorker(pid), 0);
}

TEST(Distributed, DisagreementNamesTheRankAndBothValues) {
  int port = freePort();
  pid_t pid = spawnWorker("disagree", port);
  ASSERT_GT(pid, 0);
  std::string error;
  auto comm = Communicator::connect(twoRanks(0, port), error);
  ASSERT_TRUE(comm) << error;
  std::vector<float> f = {0, 0, 0};
  std::vector<double> d = {0};
  comm->allReduceSum(f.data(), f.size(), "floats");
  comm->allReduceSum(d.data(), d.size(), "doubles");
  std::vector<float> b = {7, 8};
  comm->broadcast(b.data(), b.size(), "broadcast");
  comm->allGather("from-0", "gather");
  try {
    comm->agree("model A", "the model");
    FAIL() << "no disagreement reported";
  } catch (const CommError &e) {
    std::string what = e.what();
    EXPECT_NE(what.find("disagree on the model"), std::string::npos) << what;
    EXPECT_NE(what.find("rank 1 has 'model B'"), std::string::npos) << what;
    EXPECT_NE(what.find("rank 0 has 'model A'"), std::string::npos) << what;
  }
  EXPECT_EQ(waitWorker(pid), 0);
}

TEST(Distributed, ADeadRankIsNamedWithinTheTimeout) {
  int port = freePort();
  pid_t pid = spawnWorker("die", port);
  ASSERT_GT(pid, 0);
  std::string error;
  auto comm = Communicator::connect(twoRanks(0, port, /*timeout=*/10), error);
  ASSERT_TRUE(comm) << error;
  std::vector<float> f = {0, 0, 0};
  std::vector<double> d = {0};
  comm->allReduceSum(f.data(), f.size(), "floats");
  comm->allReduceSum(d.data(), d.size(), "doubles");
  EXPECT_EQ(waitWorker(pid), 3);
  auto start = std::chrono::steady_clock::now();
  std::vector<float> b = {7, 8};
  try {
    comm->broadcast(b.data(), b.size(), "broadcast of the weights");
    FAIL() << "the collective succeeded without rank 1";
  } catch (const CommError &e) {
    EXPECT_NE(std::string(e.what()).find("broadcast of the weights"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(comm->failed(e.what()), "rank 1 died or stopped answering");
  }
  double waited = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  EXPECT_LT(waited, 10 + 5 + 2) << "timeout plus the report wait";
  // The group is closed now: further collectives fail at once.
  EXPECT_THROW(comm->barrier("after"), CommError);
}

TEST(Distributed, PortInUseIsAClearError) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
  int port = ntohs(a.sin_port);
  std::string error;
  auto comm = Communicator::connect(twoRanks(0, port, 2), error);
  close(fd);
  EXPECT_FALSE(comm);
  EXPECT_NE(error.find("cannot host the rendezvous store on 127.0.0.1:" +
                       std::to_string(port)),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("port in use"), std::string::npos) << error;
}

TEST(Distributed, UnreachableMasterIsAClearErrorWithinTheTimeout) {
  int port = freePort(); // nobody listens there
  std::string error;
  auto start = std::chrono::steady_clock::now();
  auto comm = Communicator::connect(twoRanks(1, port, 2), error);
  double waited = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  EXPECT_FALSE(comm);
  EXPECT_NE(error.find("rank 1 cannot reach the master at 127.0.0.1:" +
                       std::to_string(port)),
            std::string::npos)
      << error;
  EXPECT_LT(waited, 15);
}

TEST(Distributed, LaunchEnvironmentAndValidation) {
  DistributedOptions o;
  setenv("RANK", "1", 1);
  setenv("WORLD_SIZE", "4", 1);
  setenv("LOCAL_RANK", "1", 1);
  setenv("MASTER_ADDR", "10.0.0.2", 1);
  setenv("MASTER_PORT", "29511", 1);
  std::string error;
  ASSERT_TRUE(readLaunchEnvironment(o, error)) << error;
  EXPECT_EQ(o.rank, 1);
  EXPECT_EQ(o.worldSize, 4);
  EXPECT_EQ(o.localRank, 1);
  EXPECT_EQ(o.masterAddr, "10.0.0.2");
  EXPECT_EQ(o.masterPort, 29511);
  EXPECT_EQ(validate(o), "");
  setenv("WORLD_SIZE", "two", 1);
  EXPECT_FALSE(readLaunchEnvironment(o, error));
  EXPECT_EQ(error,
            "environment variable WORLD_SIZE='two' is not a non-negative "
            "integer");
  for (const char *v :
       {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"})
    unsetenv(v);
  o.rank = 4;
  EXPECT_EQ(validate(o), "rank 4 is outside the world of 4 ranks (0..3)");
  o.rank = 0;
  o.masterPort = 70000;
  EXPECT_EQ(validate(o), "the master port must be in 1..65535, got 70000");
  o.masterPort = 1;
  o.timeoutSeconds = 0;
  EXPECT_NE(validate(o).find("the timeout must be positive"),
            std::string::npos);
}

TEST(Distributed, OneProcessIsTheIdentity) {
  auto comm = Communicator::single();
  std::vector<float> f = {1, 2};
  comm->allReduceSum(f.data(), f.size(), "x");
  EXPECT_EQ(f, (std::vector<float>{1, 2}));
  EXPECT_FALSE(comm->distributed());
  EXPECT_NO_THROW(comm->agree("anything", "x"));
}

} // namespace
