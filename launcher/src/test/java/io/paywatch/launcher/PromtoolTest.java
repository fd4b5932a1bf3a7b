package io.paywatch.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ops/prometheus is checked by Prometheus's own tool: the configuration (and the rule files it loads) with
 * {@code promtool check config}, the alerting rules with {@code promtool test rules} against the input series
 * of {@code paywatch-rules.test.yml}. Debian's prometheus package brings promtool; .ci/run installs it, and
 * without it these tests are skipped with a message saying so.
 */
class PromtoolTest {

    record Result(int exit, String output) {
    }

    static Result promtool(Path dir, String... args) throws IOException, InterruptedException {
        Optional<Path> promtool = PrometheusSupport.promtool();
        assumeTrue(promtool.isPresent(), "promtool is not installed (apt-get install --no-install-recommends "
                + "prometheus); skipping the ops/prometheus checks");
        List<String> command = new ArrayList<>(List.of(promtool.get().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(p.exitValue(), out);
    }

    static Path ops() {
        return DockerComposeConfigTest.repoRoot().resolve("ops/prometheus");
    }

    @Test
    void theOpsPrometheusConfigAndItsRulesAreValid() throws Exception {
        Result r = promtool(ops(), "check", "config", "prometheus.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 1 rule files found", "SUCCESS: 7 rules found");
    }

    @Test
    void theAlertingRulesPassTheirUnitTests() throws Exception {
        Result r = promtool(ops().resolve("rules"), "test", "rules", "paywatch-rules.test.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyRuleHasATestThatFiresItAndOneWhereItMustNot() throws Exception {
        String rules = Files.readString(ops().resolve("rules/paywatch-rules.yml"));
        String tests = Files.readString(ops().resolve("rules/paywatch-rules.test.yml"));
        var names = java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(rules).results()
                .map(m -> m.group(1)).toList();
        assertThat(names).hasSize(7);
        for (String name : names) {
            assertThat(tests).as(name + " fires in a test").containsPattern("alertname: " + name
                    + "\\s+exp_alerts:\\s+- exp_labels");
            assertThat(tests).as(name + " is tested where it must not fire")
                    .containsPattern("alertname: " + name + "\\s+exp_alerts: \\[]");
        }
    }

    @Test
    void aBrokenRuleFileIsRejected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad-rules.yml"), "groups:\n  - name: x\n    rules:\n      - alert: X\n"
                + "        expr: sum by (job (up)\n");
        assertThat(promtool(dir, "check", "rules", "bad-rules.yml").exit()).isNotZero();
    }
}
