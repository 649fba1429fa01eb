#include "InodeTable.h"

namespace atfs {

InodeTable::InodeTable() {
    auto root = std::make_shared<Node>();
    root->ino = kRoot;
    root->parent = kRoot;
    root->kind = NodeKind::Root;
    nodes_[kRoot] = root;
}

std::shared_ptr<const Node> InodeTable::get(uint64_t ino) const {
    std::lock_guard lk(mu_);
    auto it = nodes_.find(ino);
    return it == nodes_.end() ? nullptr : it->second;
}

std::shared_ptr<const Node> InodeTable::resolve(uint64_t parent, const std::string& name,
                                                const Node& make) {
    std::lock_guard lk(mu_);
    auto key = std::make_pair(parent, name);
    if (auto it = names_.find(key); it != names_.end())
        return nodes_[it->second];
    auto node = std::make_shared<Node>(make);
    node->ino = next_++;
    node->parent = parent;
    names_[key] = node->ino;
    nodes_[node->ino] = node;
    return node;
}

size_t InodeTable::size() const {
    std::lock_guard lk(mu_);
    return nodes_.size();
}

void InodeTable::setObservedSize(uint64_t ino, uint64_t size) {
    std::lock_guard lk(mu_);
    observed_[ino] = size;
}

std::optional<uint64_t> InodeTable::observedSize(uint64_t ino) const {
    std::lock_guard lk(mu_);
    auto it = observed_.find(ino);
    if (it == observed_.end())
        return std::nullopt;
    return it->second;
}

}  // namespace atfs
