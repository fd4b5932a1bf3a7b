package io.paywatch.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar launcher/target/launcher.jar}: the whole Paywatch stack on this machine, in one command. */
@Command(name = "paywatch-local", mixinStandardHelpOptions = true, version = "Paywatch launcher 0.1.0",
        description = "Starts a KRaft broker, an SMTP capture server, the three Paywatch services and (by default) "
                + "a demo data generator. Ctrl-C stops everything.",
        subcommands = AddTenantCommand.class)
public final class Launcher implements Callable<Integer> {

    @Option(names = "--no-demo", negatable = true, defaultValue = "true",
            description = "Replay a demo year and keep generating live data (default: on). --no-demo starts empty.")
    boolean demo;

    @Option(names = "--home", defaultValue = ".paywatch", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path home;

    @Option(names = "--repo", description = "Repository root holding <service>/target/<service>-*.jar "
            + "(default: found from the launcher's location or the working directory).")
    Path repo;

    @Option(names = "--tenant", defaultValue = "demo", description = "Tenant shown on the console (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--kafka-port", defaultValue = "9092") int kafkaPort;
    @Option(names = "--controller-port", defaultValue = "9093") int controllerPort;
    @Option(names = "--producer-port", defaultValue = "8081") int producerPort;
    @Option(names = "--processor-port", defaultValue = "8082") int processorPort;
    @Option(names = "--alert-port", defaultValue = "8083") int alertPort;
    @Option(names = "--smtp-port", defaultValue = "2525") int smtpPort;
    @Option(names = "--outbox-port", defaultValue = "8090") int outboxPort;

    @Option(names = "--replay-seconds", defaultValue = "20", description = "Wall time for the demo year (default: ${DEFAULT-VALUE}).")
    int replaySeconds;

    @Option(names = "--live-interval-ms", defaultValue = "4000", description = "Pause between live demo events.")
    int liveIntervalMs;

    @Option(names = {"-P", "--service-property"}, description = "Extra Micronaut property for every service, key=value.")
    Map<String, String> serviceProperties = new LinkedHashMap<>();

    @Option(names = "--bind-address", defaultValue = StackOptions.LOOPBACK,
            description = "Address the services and the outbox listen on (default: ${DEFAULT-VALUE}, this machine "
                    + "only). 0.0.0.0 exposes the APIs, the dashboard and the outbox to your network.")
    String bindAddress;

    @Option(names = "--public-host", description = "A host name (besides localhost) the outbox may be reached by, "
            + "for an exposed stack. Repeatable.")
    Set<String> publicHosts = new LinkedHashSet<>();

    @Option(names = "--with-prometheus", description = "Also run a local Prometheus (the prometheus binary on the "
            + "PATH) scraping the three services, with the ops alerting rules.")
    boolean withPrometheus;

    @Option(names = "--prometheus-port", defaultValue = "9090", description = "Prometheus port on 127.0.0.1 "
            + "(default: ${DEFAULT-VALUE}).")
    int prometheusPort;

    @Option(names = "--scrape-seconds", defaultValue = "5", description = "Prometheus scrape interval (default: "
            + "${DEFAULT-VALUE}).")
    int scrapeSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Launcher()).execute(args));
    }

    /** The options as parsed. */
    StackOptions options() {
        return new StackOptions(home, repo, demo, tenant, kafkaPort, controllerPort, producerPort, processorPort,
                alertPort, smtpPort, outboxPort, Duration.ofSeconds(replaySeconds), Duration.ofMillis(liveIntervalMs),
                Duration.ofSeconds(120), Map.copyOf(serviceProperties), bindAddress, Set.copyOf(publicHosts),
                withPrometheus, prometheusPort, Duration.ofSeconds(scrapeSeconds));
    }

    @Override
    public Integer call() throws Exception {
        LocalStack stack = new LocalStack(options(), System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping Paywatch...");
            stack.close();
            System.out.println("stopped.");
            stopped.countDown();
        }, "paywatch-shutdown"));
        try {
            stack.start();
        } catch (Exception e) {
            System.err.println("Paywatch could not start: " + e.getMessage());
            stack.close();
            return 1;
        }
        stopped.await();
        return 0;
    }
}
