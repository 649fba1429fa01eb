#include "InodeTable.h"

namespace atfs {

InodeTable::InodeTable() {
    auto root = std::make_shared<Node>();
    root->ino = kRoot;
    root->parent = kRoot;
    root->kind = NodeKind::Root;
    nodes_[kRoot] = Entry{root, "", 1};
}

std::shared_ptr<const Node> InodeTable::get(uint64_t ino) const {
    std::lock_guard lk(mu_);
    auto it = nodes_.find(ino);
    return it == nodes_.end() ? nullptr : it->second.node;
}

std::shared_ptr<const Node> InodeTable::resolve(uint64_t parent, const std::string& name,
                                                const Node& make) {
    std::lock_guard lk(mu_);
    auto key = std::make_pair(parent, name);
    if (auto it = names_.find(key); it != names_.end())
        return nodes_[it->second].node;
    auto node = std::make_shared<Node>(make);
    node->ino = next_++;
    node->parent = parent;
    names_[key] = node->ino;
    nodes_[node->ino] = Entry{node, name, 0};
    return node;
}

size_t InodeTable::size() const {
    std::lock_guard lk(mu_);
    return nodes_.size();
}

void InodeTable::retain(uint64_t ino) {
    std::lock_guard lk(mu_);
    if (auto it = nodes_.find(ino); it != nodes_.end())
        it->second.lookups++;
}

bool InodeTable::forget(uint64_t ino, uint64_t count) {
    if (ino == kRoot)
        return false;
    std::lock_guard lk(mu_);
    auto it = nodes_.find(ino);
    if (it == nodes_.end())
        return false;
    Entry& e = it->second;
    e.lookups = count >= e.lookups ? 0 : e.lookups - count;
    if (e.lookups != 0)
        return false;
    eraseLocked(ino);
    // The bucket array does not shrink by itself: after a burst of lookups it would keep
    // its peak size for the mount's life.
    if (nodes_.bucket_count() > 1024 && nodes_.size() * 8 < nodes_.bucket_count())
        nodes_.rehash(0);
    return true;
}

void InodeTable::eraseLocked(uint64_t ino) {
    auto it = nodes_.find(ino);
    const uint64_t parent = it->second.node->parent;
    names_.erase(std::make_pair(parent, it->second.name));
    observed_.erase(ino);
    nodes_.erase(it);
    // Children that only a plain readdir named (the kernel holds no reference to them)
    // would otherwise outlive their folder's number.
    auto child = names_.lower_bound(std::make_pair(ino, std::string()));
    while (child != names_.end() && child->first.first == ino) {
        const uint64_t c = child->second;
        ++child;
        if (auto n = nodes_.find(c); n != nodes_.end() && n->second.lookups == 0)
            eraseLocked(c);
    }
}

uint64_t InodeTable::lookups(uint64_t ino) const {
    std::lock_guard lk(mu_);
    auto it = nodes_.find(ino);
    return it == nodes_.end() ? 0 : it->second.lookups;
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
