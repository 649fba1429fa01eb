#include "OptionList.h"

#include <charconv>

namespace atfs {

Option* OptionList::find(std::string_view name) const {
    for (Option* o : options_)
        if (name == o->name())
            return o;
    return nullptr;
}

std::vector<at::OptionDoc> OptionList::docs() const {
    std::vector<at::OptionDoc> out;
    for (const Option* o : options_)
        out.push_back(o->doc());
    return out;
}

at::OptionDoc Option::doc() const {
    return {name_, metavar_, "", "", help_};
}

std::string Option::badValue(const char* value, const std::string& accepted) const {
    const std::string given = value ? std::string(name_) + "=" + value : std::string(name_);
    return "bad option " + given + ": " + name_ + " takes " + accepted;
}

std::string Flag::set(const char* v) {
    if (v)
        return badValue(v, "no value (write just " + std::string(name_) + ")");
    value = true;
    return "";
}

std::string Text::set(const char* v) {
    if (!v || !*v)
        return badValue(v, std::string(metavar_) + " (" + name_ + "=" + metavar_ + ")");
    value = v;
    return "";
}

at::OptionDoc Text::doc() const {
    return {name_, metavar_, fallback_, "", help_};
}

template <class T>
std::string Number<T>::set(const char* v) {
    const std::string accepted =
        "an integer " + std::to_string(min_) + ".." + std::to_string(max_) + " (" + metavar_ + ")";
    if (!v)
        return badValue(v, accepted);
    const std::string_view text(v);
    T n{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < min_ || n > max_)
        return badValue(v, accepted);
    value = n;
    return "";
}

template <class T>
at::OptionDoc Number<T>::doc() const {
    return {name_, metavar_, std::to_string(fallback_),
            std::to_string(min_) + ".." + std::to_string(max_), help_};
}

template class Number<int>;
template class Number<uint64_t>;

std::string Choice::set(const char* v) {
    for (const std::string& c : choices_)
        if (v && c == v) {
            value = c;
            return "";
        }
    return badValue(v, "one of " + joined_);
}

at::OptionDoc Choice::doc() const {
    return {name_, joined_, fallback_, "", help_};
}

}  // namespace atfs
