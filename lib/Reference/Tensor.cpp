//===- Tensor.cpp - Dense f32 tensor of the reference kernels -------------===//

#include "dnp/Reference/Tensor.h"

#include <limits>
#include <utility>

namespace dnp::ref {

int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return -1;
    if (dim != 0 && count > std::numeric_limits<int64_t>::max() / dim)
      return -1;
    count *= dim;
  }
  return count;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i != 0)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

Tensor::Tensor(std::vector<int64_t> shapeIn) : shape(std::move(shapeIn)) {
  int64_t count = ref::numElements(shape);
  if (count > 0)
    data.assign(static_cast<size_t>(count), 0.0f);
}

Tensor::Tensor(std::vector<int64_t> shapeIn, std::vector<float> dataIn)
    : shape(std::move(shapeIn)), data(std::move(dataIn)) {}

bool Tensor::isConsistent() const {
  int64_t count = numElements();
  return count >= 0 && static_cast<uint64_t>(count) == data.size();
}

} // namespace dnp::ref
