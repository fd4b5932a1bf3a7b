package io.paywatch.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child JVM of the local stack, with its output in a log file and a graceful stop (SIGTERM, then kill). */
public final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The java binary of the running JVM, so children use the same Java as the launcher. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code java <jvmArgs> <mainArgs>} with extra environment, stdout and stderr appended to {@code log}.
     */
    public static ChildProcess startJava(String name, List<String> jvmAndMainArgs, Map<String, String> env,
            Path workDir, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmAndMainArgs);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new ChildProcess(name, pb.start(), log);
    }

    /** Runs a child to completion (for one-shot tools such as the storage formatter). */
    public static int runJava(String name, List<String> jvmAndMainArgs, Path workDir, Path log, Duration timeout)
            throws IOException, InterruptedException {
        ChildProcess child = startJava(name, jvmAndMainArgs, Map.of(), workDir, log);
        if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            child.process.destroyForcibly();
            throw new IOException(name + " did not finish within " + timeout + "; see " + log);
        }
        return child.process.exitValue();
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the child to stop (SIGTERM) without waiting, so several children can stop in parallel. */
    public void requestStop() {
        process.destroy();
    }

    /** Waits for the child to stop; kills it if it has not stopped within {@code grace}. */
    public void awaitStop(Duration grace) {
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        requestStop();
        awaitStop(Duration.ofSeconds(20));
    }
}
