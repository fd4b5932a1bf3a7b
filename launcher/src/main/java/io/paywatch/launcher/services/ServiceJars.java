package io.paywatch.launcher.services;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the services' shaded jars ({@code <module>/target/<module>-<version>.jar}) in the repository the
 * launcher was built in: the given directory, else the one above {@code launcher/target/}, else the working
 * directory or one of its parents.
 */
public final class ServiceJars {

    private final List<Path> roots;

    public ServiceJars(Path explicitRoot) {
        Set<Path> candidates = new LinkedHashSet<>();
        if (explicitRoot != null) {
            candidates.add(explicitRoot.toAbsolutePath().normalize());
        }
        launcherRepoRoot().ifPresent(candidates::add);
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            candidates.add(dir);
        }
        this.roots = new ArrayList<>(candidates);
    }

    /** The repository root holding {@code launcher/target/classes} or {@code launcher/target/launcher.jar}. */
    private static Optional<Path> launcherRepoRoot() {
        try {
            Path code = Path.of(ServiceJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // .../launcher/target/classes or .../launcher/target/launcher.jar -> ...
            Path target = code.getParent();
            if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
                return Optional.of(target.getParent().getParent());
            }
        } catch (URISyntaxException | RuntimeException e) {
            // Unusual class loading: fall back to the working directory.
        }
        return Optional.empty();
    }

    /** The newest runnable jar of {@code module}, or empty when it has not been built. */
    public Optional<Path> find(String module) {
        for (Path root : roots) {
            Path target = root.resolve(module).resolve("target");
            if (!Files.isDirectory(target)) {
                continue;
            }
            try (Stream<Path> files = Files.list(target)) {
                Optional<Path> jar = files.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(module + "-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
                            && !n.endsWith("-tests.jar") && !n.endsWith("-javadoc.jar");
                }).max(Comparator.comparing(p -> p.toFile().lastModified()));
                if (jar.isPresent()) {
                    return jar;
                }
            } catch (IOException e) {
                // Unreadable directory: try the next root.
            }
        }
        return Optional.empty();
    }

    /** Where the jars were looked for, for error messages. */
    public List<Path> roots() {
        return roots;
    }
}
