// Reading a user's input file (config, layer file, .npy, test list, vector) safely: only regular
// files, at most a given number of bytes (docs/reliability.md). Directories, devices, FIFOs and
// sockets are refused before a byte is read, a file whose size is over the cap is refused unread,
// and at most its size + 1 bytes are read, so no input can make a reader block on a pipe, read an
// endless stream or allocate without bound.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace salsa {

// The size caps of the readers (docs/reliability.md).
inline constexpr size_t kMaxYamlFileBytes = size_t{1} << 20;     // configs, layer files, test lists
inline constexpr size_t kMaxVectorFileBytes = size_t{16} << 20;  // TFLite vectors (JSON)
inline constexpr size_t kMaxCoverageFileBytes = size_t{256} << 20;  // salsa coverage .dat files

// What a file that is not a regular one is, for messages ("a directory", "a FIFO", ...).
inline const char* FileKindName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Opens the regular file `path` for reading, for the readers below. Returns "" with *fd open and
// *size its size on success, else the reason (one line, without the path; nothing left open):
// "No such file or directory", "it is a directory, not a regular file", "larger than 1048576
// bytes", ...
inline std::string OpenRegularFile(const std::string& path, size_t max_bytes, int* fd,
                                   size_t* size) {
  *fd = -1;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
  if (!S_ISREG(st.st_mode)) {
    return std::string("it is ") + FileKindName(st.st_mode) + ", not a regular file";
  }
  // O_NONBLOCK: should the path have become a FIFO since the stat, open does not wait for a writer.
  const int f = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (f < 0) return std::strerror(errno);
  std::string problem;
  if (::fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "it is not a regular file";
  } else if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    problem = "larger than " + std::to_string(max_bytes) + " bytes";
  }
  if (!problem.empty()) {
    ::close(f);
    return problem;
  }
  *fd = f;
  *size = static_cast<size_t>(st.st_size);
  return "";
}

// Reads up to `n` bytes from `fd` into `dst`; stops early at the end of the file. Returns "" or the
// reason; *got is the number of bytes read.
inline std::string ReadUpTo(int fd, char* dst, size_t n, size_t* got) {
  *got = 0;
  while (*got < n) {
    const ssize_t r = ::read(fd, dst + *got, n - *got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return std::string("read error: ") + std::strerror(errno);
    if (r == 0) break;
    *got += static_cast<size_t>(r);
  }
  return "";
}

// Reads the regular file `path` into `out` (a std::string or std::vector of bytes). Returns "" on
// success, else the reason (one line, without the path): "No such file or directory", "it is a
// directory, not a regular file", "larger than 1048576 bytes", ...
template <typename Buffer>
std::string ReadRegularFile(const std::string& path, size_t max_bytes, Buffer* out) {
  out->clear();
  int fd = -1;
  size_t size = 0;
  std::string problem = OpenRegularFile(path, max_bytes, &fd, &size);
  if (!problem.empty()) return problem;
  // Exactly the size fstat gave, then one read to see the end: a file that yields more (it grew
  // while being read, or a pseudo-file such as /proc/self/status, which reports size 0) is
  // refused, so no reader ever holds more than the size the cap was checked against.
  out->resize(size);
  size_t have = 0;
  problem = ReadUpTo(fd, size ? reinterpret_cast<char*>(&(*out)[0]) : nullptr, size, &have);
  out->resize(have);
  char extra;
  size_t more = 0;
  if (problem.empty()) problem = ReadUpTo(fd, &extra, 1, &more);
  if (problem.empty() && more != 0) {
    problem = "it holds more than the " + std::to_string(size) +
              " bytes its size says (it changed while being read, or is a pseudo-file)";
  }
  ::close(fd);
  if (!problem.empty()) out->clear();
  return problem;
}

// Reads at most the first `prefix_bytes` of the regular file `path`, whose size must be at most
// `max_bytes`, into `out`: for checking the format of a file another program reads in full. The
// same refusals as ReadRegularFile; a shorter file gives all its bytes.
template <typename Buffer>
std::string ReadRegularFilePrefix(const std::string& path, size_t max_bytes, size_t prefix_bytes,
                                  Buffer* out) {
  out->clear();
  int fd = -1;
  size_t size = 0;
  std::string problem = OpenRegularFile(path, max_bytes, &fd, &size);
  if (!problem.empty()) return problem;
  out->resize(prefix_bytes);
  size_t have = 0;
  problem = ReadUpTo(fd, prefix_bytes ? reinterpret_cast<char*>(&(*out)[0]) : nullptr, prefix_bytes,
                     &have);
  ::close(fd);
  out->resize(problem.empty() ? have : 0);
  return problem;
}

}  // namespace salsa
