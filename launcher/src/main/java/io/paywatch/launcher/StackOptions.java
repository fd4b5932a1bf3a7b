package io.paywatch.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything the local stack needs to know: where its data lives, its ports and the demo settings.
 *
 * @param home              data directory (broker data, stream state, outbox, logs, credentials)
 * @param repoRoot          where to look for the services' jars; null to guess
 * @param demo              replay the demo year and keep generating live data
 * @param tenant            the tenant the console and dashboard link are about
 * @param serviceProperties extra Micronaut properties passed to every service as -Dkey=value
 * @param bindAddress       the address the services and the outbox listen on: 127.0.0.1 (loopback only) unless
 *                          the stack is deliberately exposed ({@code --bind-address 0.0.0.0})
 * @param publicHosts       host names, besides localhost, the outbox answers to (for an exposed stack)
 * @param prometheus        also run a local Prometheus scraping the three services (needs a prometheus binary)
 * @param prometheusPort    its HTTP port (on 127.0.0.1)
 * @param scrapeInterval    its scrape and rule evaluation interval
 */
public record StackOptions(Path home, Path repoRoot, boolean demo, String tenant, int kafkaPort,
        int controllerPort, int producerPort, int processorPort, int alertPort, int smtpPort, int outboxPort,
        Duration replay, Duration liveInterval, Duration startTimeout, Map<String, String> serviceProperties,
        String bindAddress, Set<String> publicHosts, boolean prometheus, int prometheusPort,
        Duration scrapeInterval) {

    /** Loopback only: nothing of the local stack is reachable from another machine unless asked. */
    public static final String LOOPBACK = "127.0.0.1";

    /** Defaults: ./.paywatch, demo on, the documented ports, loopback only, no Prometheus. */
    public static StackOptions defaults() {
        return new StackOptions(Path.of(".paywatch"), null, true, "demo", 9092, 9093, 8081, 8082, 8083, 2525,
                8090, Duration.ofSeconds(20), Duration.ofSeconds(4), Duration.ofSeconds(120), Map.of(), LOOPBACK,
                Set.of(), false, 9090, Duration.ofSeconds(5));
    }

    /** The same options with a local Prometheus on {@code port}, scraping every {@code interval}. */
    public StackOptions withPrometheus(int port, Duration interval) {
        return new StackOptions(home, repoRoot, demo, tenant, kafkaPort, controllerPort, producerPort,
                processorPort, alertPort, smtpPort, outboxPort, replay, liveInterval, startTimeout,
                serviceProperties, bindAddress, publicHosts, true, port, interval);
    }
}
