package dev.otelllm.cli;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code --out} file, written beside its target under a temporary name and moved into place
 * only when the run succeeds: a failed or interrupted run leaves neither an empty nor a
 * half-written file, and an existing file is replaced only by a complete one. A symbolic link is
 * followed (its target is replaced, the link stays); a new file gets the usual permissions, an
 * existing one keeps its own.
 */
final class OutputFile {

  /** A write to the output failed; says which file and why. */
  static final class WriteFailure extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailure(String message, IOException cause) {
      super(message, cause);
    }
  }

  private final Path shown;
  private final Path target;
  private final Path temp;
  private final OutputStream stream;
  private final Thread cleanup;

  private OutputFile(Path shown, Path target, Path temp) throws IOException {
    this.shown = shown;
    this.target = target;
    this.temp = temp;
    OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
    this.stream =
        new FilterOutputStream(file) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              out.write(b, off, len);
            } catch (IOException e) {
              throw failure(e);
            }
          }

          @Override
          public void write(int b) throws IOException {
            try {
              out.write(b);
            } catch (IOException e) {
              throw failure(e);
            }
          }

          @Override
          public void flush() throws IOException {
            try {
              out.flush();
            } catch (IOException e) {
              throw failure(e);
            }
          }
        };
    // Ctrl-C ends the JVM through its shutdown hooks: the partial file goes with it.
    this.cleanup = new Thread(() -> deleteQuietly(temp), "otel-llm-cli-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  static OutputFile open(Path out) throws IOException {
    Path target = out.toAbsolutePath();
    if (Files.isSymbolicLink(target)) {
      target = target.resolveSibling(Files.readSymbolicLink(target)).normalize();
    }
    if (Files.isDirectory(target)) {
      throw new FileSystemException(out.toString(), null, "is a directory");
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path temp;
    while (true) {
      temp =
          parent.resolve(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toHexString(ThreadLocalRandom.current().nextLong())
                  + ".partial");
      try {
        // createFile, unlike createTempFile, applies the usual umask: the report is as readable as
        // any file the user writes.
        Files.createFile(temp);
        break;
      } catch (FileAlreadyExistsException e) {
        // another name
      }
    }
    if (Files.exists(target)) {
      try {
        Set<PosixFilePermission> existing = Files.getPosixFilePermissions(target);
        Files.setPosixFilePermissions(temp, existing);
      } catch (UnsupportedOperationException | IOException e) {
        // not a POSIX file system, or not ours to read: the new file keeps the usual permissions
      }
    }
    return new OutputFile(out, target, temp);
  }

  private WriteFailure failure(IOException e) {
    return new WriteFailure(describe(shown, e), e);
  }

  OutputStream stream() {
    return stream;
  }

  void commit() throws IOException {
    stream.close();
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    removeHook();
  }

  void discard() {
    try {
      stream.close();
    } catch (IOException ignored) {
      // the file goes either way
    }
    deleteQuietly(temp);
    removeHook();
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway and finds nothing to delete
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // nothing more can be done; the temporary name says it is partial
    }
  }

  /** One line: which file, and why it cannot be written. */
  static String describe(Path out, IOException e) {
    if (e instanceof WriteFailure) {
      return e.getMessage();
    }
    String why;
    if (e instanceof AccessDeniedException) {
      why = "permission denied";
    } else if (e instanceof FileAlreadyExistsException f) {
      why = f.getFile() + " exists and is not a folder";
    } else if (e instanceof NoSuchFileException f) {
      why = "no such folder: " + f.getFile();
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      why = f.getReason().toLowerCase(java.util.Locale.ROOT);
    } else {
      why = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    }
    return "cannot write " + out + ": " + why;
  }
}
