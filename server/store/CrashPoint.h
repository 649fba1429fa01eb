// Named points inside an ingest's or a delete's commit where tests can stop the process (as kill -9 would)
// to check that reopening the store rolls the batch back. No-ops unless a test sets a hook.
#pragma once

namespace atd {

// Ingest stages, in order: "journal-written", "data-partial", "data-written", "index-partial",
// "committed". Delete stages: "delete-journal-written", "delete-partial", "delete-committed".
void crashPoint(const char* stage);

namespace testing {
using CrashHook = void (*)(const char* stage);
void setCrashHook(CrashHook hook);  // nullptr to clear
}  // namespace testing

}  // namespace atd
