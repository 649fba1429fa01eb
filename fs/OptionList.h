// Typed -o options that carry their own name, default, bounds and help, so a struct of them
// (MountOptions) is the one declaration the parser, --help, README.md and man/atfs.1 use.
// Each option registers itself with the list it is a member of, in declaration order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "at/OptionDocs.h"

namespace atfs {

class Option;

class OptionList {
  public:
    OptionList() = default;
    // Members point back at the list: a copy would point at the original's.
    OptionList(const OptionList&) = delete;
    OptionList& operator=(const OptionList&) = delete;

    void add(Option* option) { options_.push_back(option); }
    Option* find(std::string_view name) const;
    std::vector<at::OptionDoc> docs() const;

  private:
    std::vector<Option*> options_;
};

class Option {
  public:
    Option(OptionList& list, const char* name, const char* metavar, const char* help)
        : name_(name), metavar_(metavar), help_(help) {
        list.add(this);
    }
    virtual ~Option() = default;
    Option(const Option&) = delete;
    Option& operator=(const Option&) = delete;

    const char* name() const { return name_; }
    // `value` is what follows '=' (nullptr: the option was given bare). Empty on success,
    // else one line naming the option and what it accepts.
    virtual std::string set(const char* value) = 0;
    virtual at::OptionDoc doc() const;

  protected:
    std::string badValue(const char* value, const std::string& accepted) const;
    const char* name_;
    const char* metavar_;
    const char* help_;
};

// A bare word: "insecure".
class Flag : public Option {
  public:
    Flag(OptionList& list, const char* name, const char* help) : Option(list, name, "", help) {}
    std::string set(const char* value) override;
    bool value = false;
};

// Any text: a path, a URL. `fallback` is only what the docs show when the value is empty.
class Text : public Option {
  public:
    Text(OptionList& list, const char* name, const char* metavar, const char* fallback,
         const char* help)
        : Option(list, name, metavar, help), fallback_(fallback) {}
    std::string set(const char* value) override;
    at::OptionDoc doc() const override;
    std::string value;

  private:
    const char* fallback_;
};

// An integer in [min, max].
template <class T>
class Number : public Option {
  public:
    Number(OptionList& list, const char* name, const char* metavar, T fallback, T min, T max,
           const char* help)
        : Option(list, name, metavar, help),
          value(fallback),
          fallback_(fallback),
          min_(min),
          max_(max) {}
    std::string set(const char* value) override;
    at::OptionDoc doc() const override;
    T value;

  private:
    T fallback_, min_, max_;
};

// One word out of a fixed set.
class Choice : public Option {
  public:
    Choice(OptionList& list, const char* name, const char* fallback,
           std::vector<std::string> choices, const char* help)
        : Option(list, name, "", help),
          value(fallback),
          fallback_(fallback),
          choices_(std::move(choices)) {
        for (const std::string& c : choices_)
            joined_ += (joined_.empty() ? "" : "|") + c;
    }
    std::string set(const char* value) override;
    at::OptionDoc doc() const override;
    std::string value;

  private:
    std::string fallback_;
    std::vector<std::string> choices_;
    std::string joined_;  // "error|warning|info|debug": the metavar
};

extern template class Number<int>;
extern template class Number<uint64_t>;

}  // namespace atfs
