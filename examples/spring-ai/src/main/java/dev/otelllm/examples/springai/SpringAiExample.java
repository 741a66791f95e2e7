package dev.otelllm.examples.springai;

import dev.otelllm.LlmTracing;
import dev.otelllm.WorkflowScope;
import dev.otelllm.examples.support.FakeOpenAiServer;
import dev.otelllm.examples.support.FakeOpenAiServer.Rule;
import dev.otelllm.examples.support.StepTable;
import dev.otelllm.springai.OtelLlmAdvisor;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application with Spring AI's real OpenAI chat model, traced by the otel-llm starter
 * (it records every model call and tool execution from Spring AI's own observations, and puts
 * {@link OtelLlmAdvisor} on every {@code ChatClient.Builder} for the step params), against a fake
 * OpenAI server on the loopback interface that answers with canned Chat Completions bodies: no
 * network, no key. A notebook cell runs in one session ({@code analysis-7}) inside one workflow
 * span, each call naming its session, step type and attempt number through advisor params:
 *
 * <ol>
 *   <li>{@code inspect_data}: the model calls a {@code @Tool} to look at the data frame; Spring AI
 *       runs the tool and sends the result back, two model calls;
 *   <li>{@code code_generation}: Python code for a histogram; the first answer does not parse, so a
 *       second attempt is sent with the error;
 *   <li>{@code methodology}: one sentence, streamed.
 * </ol>
 *
 * <p>Then it prints a per-step table read back from the starter's {@link TraceBuffer} bean with
 * {@code getTraces(TraceQuery.session("analysis-7"))}. {@code java -jar
 * examples/spring-ai/target/otel-llm-example-spring-ai.jar}
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SpringAiExample {

  static final String SESSION_ID = "analysis-7";
  private static final int MAX_ATTEMPTS = 3;
  private static final Pattern CODE_BLOCK =
      Pattern.compile("```(?:python)?\\n(.*?)```", Pattern.DOTALL);

  /** The notebook's data, as a tool the model may call. */
  static final class NotebookTools {
    @Tool(
        name = "describe_dataframe",
        description = "The row count and the columns with their types of a DataFrame")
    String describe(@ToolParam(description = "The DataFrame's variable name") String name) {
      return name + ": 1204 rows; columns name (object), age (int64), city (object)";
    }
  }

  /**
   * What the fake server answers, first match wins: a stream, the answer to a tool result, the tool
   * call when tools are offered, the fixed code when code was rejected, the first code.
   */
  static List<Rule> cannedAnswers() {
    return List.of(
        new Rule(Pattern.compile("\"stream\"\\s*:\\s*true").asPredicate(), "methodology.sse"),
        new Rule(Pattern.compile("\"role\"\\s*:\\s*\"tool\"").asPredicate(), "columns_answer.json"),
        new Rule(Pattern.compile("\"tools\"\\s*:").asPredicate(), "columns_tool_call.json"),
        new Rule(body -> body.contains("failed with error"), "code_fixed.json"),
        new Rule(body -> body.contains("histogram"), "code_draft.json"));
  }

  /** Runs the example and exits with its code: 0 when every step got its answer. */
  public static void main(String[] args) {
    // Explicit, so that no client or server thread decides when the JVM ends.
    System.exit(run(System.out, System.err));
  }

  /** Starts the application, runs the workflow and prints the table; 0 done, 1 a step failed. */
  static int run(PrintStream out, PrintStream err) {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(cannedAnswers());
        ConfigurableApplicationContext context =
            new SpringApplicationBuilder(SpringAiExample.class)
                .properties("spring.ai.openai.base-url=" + server.baseUrl())
                .run()) {
      out.println(
          "otel-llm Spring AI example | Spring AI OpenAI chat model, "
              + context.getEnvironment().getProperty("spring.ai.openai.chat.model")
              + " | fake OpenAI server at "
              + server.baseUrl()
              + " (canned answers) | traces: in memory only");
      ChatClient chat = context.getBean(ChatClient.Builder.class).build();
      String traceId;
      try (WorkflowScope workflow = context.getBean(LlmTracing.class).workflow("notebook_cell")) {
        new Notebook(chat, out).run();
        traceId = workflow.traceId();
      }
      List<Interaction> steps =
          context.getBean(TraceBuffer.class).getTraces(TraceQuery.session(SESSION_ID));
      out.println();
      out.println("session " + SESSION_ID + ", workflow notebook_cell, trace " + traceId);
      StepTable.print(steps, out);
      return 0;
    } catch (Exception e) {
      err.println("error: a step failed: " + e);
      return 1;
    }
  }

  /** The cell's three steps, each call tagged with the session, step type and attempt. */
  record Notebook(ChatClient chat, PrintStream out) {

    void run() {
      String columns =
          chat.prompt()
              .user("Which column of df holds the customers' ages? Look at the data first.")
              .tools(new NotebookTools())
              .advisors(OtelLlmAdvisor.step(SESSION_ID, "inspect_data", 1))
              .call()
              .content();
      out.println("data:        " + columns);
      String code = code("Write Python code that plots a histogram of df['age'].");
      out.println("code:        " + String.join(" | ", code.lines().toList()));
      out.print("methodology: ");
      chat
          .prompt()
          .user("Describe the method of this histogram in one sentence:\n" + code)
          .advisors(OtelLlmAdvisor.step(SESSION_ID, "methodology", 1))
          .stream()
          .content()
          .doOnNext(out::print)
          .blockLast();
      out.println();
    }

    /** Code that parses, asked again with the error while it does not. */
    private String code(String request) {
      String answer = ask(List.of(), request, 1);
      for (int attempt = 1; ; attempt++) {
        String code = extractCode(answer);
        Optional<String> error = checkCode(code);
        if (error.isEmpty()) {
          return code;
        }
        out.println("code, attempt " + attempt + " rejected: " + error.get());
        if (attempt == MAX_ATTEMPTS) {
          throw new IllegalStateException("no valid code after " + MAX_ATTEMPTS + " attempts");
        }
        answer =
            ask(
                List.of(new UserMessage(request), new AssistantMessage(answer)),
                "The previous code failed with error: " + error.get() + ". Fix the code.",
                attempt + 1);
      }
    }

    /** One code-generation call, after the {@code earlier} turns. */
    private String ask(List<Message> earlier, String prompt, int attempt) {
      return chat.prompt()
          .system("You are a Python data analysis assistant. Answer with one code block.")
          .messages(earlier)
          .user(prompt)
          .advisors(OtelLlmAdvisor.step(SESSION_ID, "code_generation", attempt))
          .call()
          .content();
    }
  }

  static String extractCode(String text) {
    Matcher m = CODE_BLOCK.matcher(text);
    return m.find() ? m.group(1).strip() : text.strip();
  }

  /** A parse check small enough for an example: brackets must close, in order. */
  static Optional<String> checkCode(String code) {
    Deque<Character> open = new ArrayDeque<>();
    Deque<Integer> openedOn = new ArrayDeque<>();
    int line = 1;
    for (char c : code.toCharArray()) {
      if (c == '\n') {
        line++;
      } else if ("([{".indexOf(c) >= 0) {
        open.push(c);
        openedOn.push(line);
      } else if (")]}".indexOf(c) >= 0) {
        if (open.isEmpty() || "([{".indexOf(open.pop()) != ")]}".indexOf(c)) {
          return Optional.of("SyntaxError: unmatched '" + c + "' on line " + line);
        }
        openedOn.pop();
      }
    }
    return open.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "SyntaxError: '" + open.peek() + "' on line " + openedOn.peek() + " was never closed");
  }
}
