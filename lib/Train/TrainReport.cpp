//===- TrainReport.cpp - dnp-train's report and summary -------------------===//
#include "dnp/Train/TrainReport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <ctime>

using namespace ::dnp::train;

namespace {

llvm::json::Object usageJson(const Usage &u) {
  return llvm::json::Object{
      {"pmu_bytes", static_cast<int64_t>(u.get(Resource::Sram))},
      {"flash_bytes", static_cast<int64_t>(u.get(Resource::Flash))},
      {"macs", static_cast<int64_t>(u.get(Resource::Macs))},
      {"cycles", u.get(Resource::Cycles)}};
}

template <typename T> llvm::json::Array array(const std::vector<T> &v) {
  llvm::json::Array a;
  for (const T &x : v)
    a.push_back(x);
  return a;
}

} // namespace

std::string dnp::train::budgetText(const Budget &b) {
  std::string s;
  for (Resource r : b.budgeted())
    s += (s.empty() ? "" : ", ") + std::string(toString(r)) + " " +
         formatResource(r, b.get(r));
  return s;
}

std::string dnp::train::infeasibleBudgetText(const Model &model,
                                             const Usage &minimum,
                                             const Budget &budget) {
  std::string problems;
  for (Resource r : budget.budgeted())
    if (minimum.get(r) > budget.get(r))
      problems += std::string("\n  ") + toString(r) + ": at least " +
                  formatResource(r, minimum.get(r)) + " (" +
                  std::to_string(static_cast<int64_t>(minimum.get(r))) +
                  "), budget " + formatResource(r, budget.get(r));
  if (problems.empty())
    return "";
  std::string fixed;
  for (const Group &g : model.groups)
    if (!g.prunable)
      fixed += "\n  group " + std::to_string(g.id) + " (" +
               std::to_string(g.channels) + " channels): " + g.reason;
  return "infeasible budget: even with every prunable group at 1 channel "
         "the model exceeds it:" +
         problems + "\nminimum achievable: " +
         formatResource(Resource::Sram, minimum.get(Resource::Sram)) +
         " SRAM (arena), " +
         formatResource(Resource::Flash, minimum.get(Resource::Flash)) +
         " flash, " +
         formatResource(Resource::Macs, minimum.get(Resource::Macs)) +
         " MACs, " +
         formatResource(Resource::Cycles, minimum.get(Resource::Cycles)) +
         " cycles\nfixed (unprunable) groups:" + fixed + "\n";
}

llvm::json::Object dnp::train::trainReport(ReportInputs in) {
  const Model &model = *in.model;
  const TrainResult &result = *in.result;
  const Budget &budget = *in.budget;
  const DataSplits &data = *in.data;
  llvm::json::Object budgetJson;
  for (Resource r : budget.budgeted())
    budgetJson[toString(r)] = static_cast<int64_t>(budget.get(r));
  llvm::json::Array groupsJson;
  for (const Group &g : model.groups)
    groupsJson.push_back(llvm::json::Object{
        {"id", g.id},
        {"before", g.channels},
        {"after", result.channelsAfter[g.id]},
        {"prunable", g.prunable},
        {"alive", g.id < static_cast<int>(result.alive.size())
                      ? array(result.alive[g.id])
                      : llvm::json::Array()}});
  llvm::json::Array history;
  for (const HistoryEntry &h : result.history) {
    llvm::json::Object e = usageJson(h.usage);
    e["step"] = h.step;
    e["epoch"] = h.epoch;
    e["task_loss"] = h.taskLoss;
    e["resource_loss"] = h.resourceLoss;
    e["channels"] = array(h.channels);
    llvm::json::Array sizes;
    for (double v : h.sizes)
      sizes.push_back(std::round(v * 1000) / 1000);
    e["sizes"] = std::move(sizes);
    history.push_back(std::move(e));
  }
  llvm::json::Array epochsJson;
  for (const EpochEntry &e : result.epochs)
    epochsJson.push_back(llvm::json::Object{
        {"epoch", e.epoch},
        {"train_loss", e.trainLoss},
        {"train_accuracy", e.trainAccuracy},
        {"val_accuracy", e.validationAccuracy},
        {"time_s", e.seconds},
        {"frozen", e.frozen},
        {"channels", array(e.channels)}});
  llvm::json::Object budgetStatus;
  for (Resource r : budget.budgeted())
    budgetStatus[toString(r)] = llvm::json::Object{
        {"limit", static_cast<int64_t>(budget.get(r))},
        {"used", result.after.get(r)},
        {"fits", result.after.get(r) <= budget.get(r)}};
  std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", std::localtime(&now));
  llvm::json::Object report{
      {"kind", "train"},
      {"model", in.modelPath},
      {"function", model.function},
      {"dataset", data.description},
      {"input_shape", array(model.inputShape)},
      {"classes", model.numClasses()},
      {"method", in.method},
      {"element_bytes", in.elementBytes},
      {"budget", std::move(budgetJson)},
      {"budget_status", std::move(budgetStatus)},
      {"budget_met", result.budgetMet},
      {"accuracy_before", result.accuracyBefore},
      {"accuracy_after", result.accuracyAfter},
      {"resources_before", usageJson(result.before)},
      {"resources_after", usageJson(result.after)},
      {"arena_bytes_after", in.arenaBytes},
      {"groups", std::move(groupsJson)},
      {"history", std::move(history)},
      {"epochs", std::move(epochsJson)},
      {"epoch_time_s", array(result.epochSeconds)},
      {"total_time_s", result.totalSeconds},
      {"frozen_at_step", result.frozenAtStep},
      {"projected_to_budget", result.projected},
      {"notes", array(result.notes)},
      {"input_normalization",
       llvm::json::Object{{"mean", array(data.mean)},
                          {"std", array(data.stdev)},
                          {"in_model", in.normalizationInModel},
                          {"from_input_model", in.normalizationFromInputModel},
                          {"images", data.images}}},
      {"options", std::move(in.options)},
      // A copy: json::Value keeps a `const char *` by reference.
      {"date", std::string(date)},
  };
  llvm::json::Array ranks;
  for (size_t r = 0; r < result.ranks.size(); ++r) {
    const TrainResult::RankStats &s = result.ranks[r];
    ranks.push_back(llvm::json::Object{
        {"rank", static_cast<int64_t>(r)},
        {"samples", s.samples},
        {"time_s", s.seconds},
        {"collective_time_s", s.commSeconds},
        {"images_per_s", s.seconds > 0 ? s.samples / s.seconds : 0.0}});
  }
  report["distributed"] = llvm::json::Object{
      {"world_size", static_cast<int64_t>(result.ranks.size())},
      {"global_batch", result.globalBatch},
      {"ranks", std::move(ranks)}};
  if (!in.teacherPath.empty())
    report["distillation"] =
        llvm::json::Object{{"teacher", in.teacherPath},
                           {"teacher_accuracy", result.teacherAccuracy},
                           {"weight", in.distillWeight},
                           {"temperature", in.distillTemperature}};
  if (in.verify.samples > 0)
    report["verify"] =
        llvm::json::Object{{"samples", in.verify.samples},
                           {"max_abs_diff", in.verify.maxAbsDiff},
                           {"predictions_agree", in.verify.predictionsAgree}};
  return report;
}

bool dnp::train::writeReport(const std::string &path,
                             llvm::json::Object report, std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    error = path + ": " + ec.message();
    return false;
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return true;
}

void dnp::train::printSummary(llvm::raw_ostream &os,
                              const TrainResult &result, const Budget &budget,
                              const Agreement &verify) {
  os << llvm::format("dnp-train: test accuracy %.4f -> %.4f; ",
                     result.accuracyBefore, result.accuracyAfter);
  for (Resource r : {Resource::Sram, Resource::Flash, Resource::Macs}) {
    os << toString(r) << " " << formatResource(r, result.before.get(r))
       << " -> " << formatResource(r, result.after.get(r));
    if (budget.has(r))
      os << " (budget " << formatResource(r, budget.get(r)) << ")";
    os << (r == Resource::Macs ? "\n" : ", ");
  }
  if (verify.samples > 0)
    os << llvm::format("dnp-train: verify: %lld test inputs, max |LibTorch - "
                       "dnp-run| = %.3g, predictions agree on %lld\n",
                       (long long)verify.samples, verify.maxAbsDiff,
                       (long long)verify.predictionsAgree);
}
