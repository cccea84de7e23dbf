#pragma once
// The `weave` subcommands. Each returns the process exit status: 0 ok, 1 runtime failure
// (unreadable input, unwritable output), 2 bad usage.
namespace weave::tools {

int replay_command(int argc, char** argv);
int score_command(int argc, char** argv);
int convert_command(int argc, char** argv);
int gen_command(int argc, char** argv);
int bench_command(int argc, char** argv);
int import_command(int argc, char** argv);
int serve_command(int argc, char** argv);
// weave import SOURCE for the channel sources (called by import_command).
int import_channel_command(int argc, char** argv);
void print_import_usage();  // every source

} // namespace weave::tools
