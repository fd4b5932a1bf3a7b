package io.paywatch.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child process of the local stack, with its output in a log file and a graceful stop (SIGTERM, wait, then
 * SIGKILL).
 *
 * <p>Children start in a session (and so a process group) of their own through {@code setsid} where it exists
 * (Linux). A terminal's Ctrl-C sends SIGINT to its whole foreground process group: without this, every child
 * JVM got the signal at the same moment as the launcher, the broker went away while the services were still
 * committing, and the alert service logged errors on its way down. With it, only the launcher hears Ctrl-C and
 * stops the children itself, one at a time, the broker last.
 */
public final class ChildProcess implements AutoCloseable {

    /** {@code setsid} when this system has it; without it children share the launcher's process group. */
    public static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst();

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
        return start(name, command, env, workDir, log);
    }

    /**
     * Starts any program ({@code command.get(0)} is the executable) detached from the launcher's process group,
     * with extra environment, stdout and stderr appended to {@code log}.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
            Path log) throws IOException {
        List<String> full = new ArrayList<>();
        // setsid(1) execs the program in place (a freshly started child is not a group leader), so the pid the
        // JDK reports, and signals, are the program's own.
        SETSID.ifPresent(setsid -> full.add(setsid.toString()));
        full.addAll(command);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(full)
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

    /**
     * Waits for the child to stop; kills it (SIGKILL) if it has not stopped within {@code grace}.
     *
     * @return how it ended: its exit code (143 after a SIGTERM it handled, 137 after SIGKILL), and whether it had
     *         to be killed
     */
    public Stop awaitStop(Duration grace) {
        boolean killed = false;
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                killed = true;
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            killed = true;
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return new Stop(process.isAlive() ? -1 : process.exitValue(), killed);
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. */
    public Stop stop(Duration grace) {
        requestStop();
        return awaitStop(grace);
    }

    /**
     * How a child ended.
     *
     * @param exitCode the exit code, -1 if it was still running after SIGKILL
     * @param killed   whether the grace period ran out and it was killed
     */
    public record Stop(int exitCode, boolean killed) {
    }

    @Override
    public void close() {
        requestStop();
        awaitStop(Duration.ofSeconds(20));
    }
}
