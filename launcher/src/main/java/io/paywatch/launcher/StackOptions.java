package io.paywatch.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the local stack needs to know: where its data lives, its ports and the demo settings.
 *
 * @param home             data directory (broker data, stream state, outbox, logs, credentials)
 * @param repoRoot         where to look for the services' jars; null to guess
 * @param demo             replay the demo year and keep generating live data
 * @param tenant           the tenant the console and dashboard link are about
 * @param serviceProperties extra Micronaut properties passed to every service as -Dkey=value
 */
public record StackOptions(Path home, Path repoRoot, boolean demo, String tenant, int kafkaPort,
        int controllerPort, int producerPort, int processorPort, int alertPort, int smtpPort, int outboxPort,
        Duration replay, Duration liveInterval, Duration startTimeout, Map<String, String> serviceProperties) {

    /** Defaults: ./.paywatch, demo on, the documented ports. */
    public static StackOptions defaults() {
        return new StackOptions(Path.of(".paywatch"), null, true, "demo", 9092, 9093, 8081, 8082, 8083, 2525,
                8090, Duration.ofSeconds(20), Duration.ofSeconds(4), Duration.ofSeconds(120), Map.of());
    }
}
