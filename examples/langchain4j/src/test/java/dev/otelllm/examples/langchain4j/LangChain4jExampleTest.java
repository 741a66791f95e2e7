package dev.otelllm.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.examples.support.CapturedRun;
import org.junit.jupiter.api.Test;

class LangChain4jExampleTest {

  /** A table row: number, step, attempt, model, tokens in and out, any ms, finish, sent text. */
  private static String row(
      int n, String step, String attempt, int in, int out, String finish, String sent) {
    return CapturedRun.stepRow(
        n, step, String.valueOf(attempt), "gpt-4o-mini-2024-07-18", in, out, finish, sent);
  }

  @Test
  void runsOffline_andPrintsOneRowPerModelCallOfTheSession() {
    CapturedRun run = CapturedRun.of(LangChain4jExample::run);
    String printed = run.printed();

    assertThat(run.errors()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(printed)
        .contains("weather:  It is 22 degrees and sunny in Boston, MA: a good day to be outside.")
        .contains("plan, attempt 1 rejected: the plan has 5 stops, at most 3 fit in a day")
        .contains(
            "plan:     1. Morning: walk the Freedom Trail | 2. Lunch at Faneuil Hall"
                + " | 3. Afternoon: harbor cruise")
        .contains("summary:  Freedom Trail, lunch at Faneuil Hall, then a sunny harbor cruise.")
        .containsPattern(
            row(
                1,
                "TripAssistant.weather",
                "-",
                86,
                18,
                "tool_call",
                "What is the weather in Boston today?"))
        .containsPattern(
            row(
                2,
                "TripAssistant.weather",
                "-",
                131,
                16,
                "stop",
                "[tool result] 22 degrees and sunny in Boston, MA"))
        .containsPattern(row(3, "plan", "1", 54, 41, "stop", "Plan a day in Boston in at most 3"))
        .containsPattern(
            row(4, "plan", "2", 124, 27, "stop", "The previous plan failed validation: the"))
        .containsPattern(row(5, "summary", "1", 63, 19, "stop", "Summarize this plan in one line"))
        .doesNotContainPattern("(?m)^6 ")
        .containsPattern(
            "5 interactions, 458 tokens in, 121 out, \\d+\\.\\d ms in the model;"
                + " tool calls: get_current_weather\\(location=Boston, MA\\)");
  }

  @Test
  void aPlanWithMoreStopsThanFitInADayIsRejected() {
    assertThat(LangChain4jExample.checkPlan("1. a\n2. b\n3. c\n4. d"))
        .hasValue("the plan has 4 stops, at most 3 fit in a day");
    assertThat(LangChain4jExample.checkPlan("Just walk around."))
        .hasValue("the plan has no numbered stops");
    assertThat(LangChain4jExample.checkPlan("1. a\n2. b")).isEmpty();
  }
}
