package dev.otelllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README compiles as printed: its import lines, then its
 * statements as the body of a method, against the library's real classes.
 */
class ReadmeSnippetsTest {

  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  static List<String> snippets() throws Exception {
    Path readme = Path.of("..", "README.md");
    Matcher m = JAVA_BLOCK.matcher(Files.readString(readme, StandardCharsets.UTF_8));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The snippet as a compilation unit: its imports above a class, the rest inside a method. */
  static String asSource(String snippet, String className) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : snippet.split("\n", -1)) {
      if (line.startsWith("import ")) {
        imports.append(line).append('\n');
      } else {
        body.append("    ").append(line).append('\n');
      }
    }
    return imports
        + "class "
        + className
        + " {\n  void snippet() throws Exception {\n"
        + body
        + "  }\n}\n";
  }

  @Test
  void everyJavaSnippetCompiles(@TempDir Path out) throws Exception {
    List<String> snippets = snippets();
    assertThat(snippets).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(6);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < snippets.size(); i++) {
      String name = "ReadmeSnippet" + (i + 1);
      String source = asSource(snippets.get(i), name);
      JavaFileObject file =
          new SimpleJavaFileObject(
              URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
              return source;
            }
          };
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      StringWriter log = new StringWriter();
      try (StandardJavaFileManager files =
          compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
        boolean ok =
            compiler
                .getTask(
                    log,
                    files,
                    diagnostics,
                    List.of("-classpath", classpath, "-d", out.toString(), "-proc:none"),
                    null,
                    List.of(file))
                .call();
        if (!ok) {
          StringBuilder why = new StringBuilder("snippet " + (i + 1) + " does not compile:\n");
          diagnostics
              .getDiagnostics()
              .forEach(
                  d ->
                      why.append("  line ")
                          .append(d.getLineNumber())
                          .append(": ")
                          .append(d.getMessage(null))
                          .append('\n'));
          failures.add(why + source);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void asSource_putsImportsAboveAndStatementsInAMethod() {
    String source = asSource("import java.util.List;\nList<String> a = List.of();\n", "X");
    assertThat(source)
        .isEqualTo(
            "import java.util.List;\nclass X {\n  void snippet() throws Exception {\n"
                + "    List<String> a = List.of();\n    \n  }\n}\n");
  }
}
