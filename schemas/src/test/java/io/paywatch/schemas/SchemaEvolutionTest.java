package io.paywatch.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails the build when the contract changes incompatibly. The current schema of every top-level record
 * must read everything every released version wrote (BACKWARD, transitive), and the previous release
 * must read what the current one writes (FORWARD), so producers and consumers can be upgraded in
 * either order. The current schema must itself be released: run
 * {@code ./mvnw -pl schemas test -Dtest=SchemaEvolutionTest -Dpaywatch.schemas.release=true} to snapshot it.
 */
class SchemaEvolutionTest {

    private static final Path RELEASED_DIR = Path.of("src/main/resources/" + PaywatchSchemaStore.RELEASED_ROOT);

    /** Problems that make {@code current} unable to replace {@code released}; empty when compatible. */
    static List<String> incompatibilities(Schema released, Schema current, boolean checkForward) {
        List<String> problems = new ArrayList<>();
        var backward = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
        if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add("BACKWARD: new reader cannot read old data: " + backward.getResult().getIncompatibilities());
        }
        if (checkForward) {
            var forward = SchemaCompatibility.checkReaderWriterCompatibility(released, current);
            if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add("FORWARD: old reader cannot read new data: " + forward.getResult().getIncompatibilities());
            }
        }
        return problems;
    }

    @TestFactory
    Stream<DynamicTest> everyTopLevelSchemaIsReleasedAndCompatible() {
        return PaywatchSchemaStore.TOP_LEVEL.values().stream().map(current -> DynamicTest.dynamicTest(
                current.getName(), () -> {
                    List<Schema> released = PaywatchSchemaStore.instance().released(current.getName());
                    long fp = PaywatchSchemaStore.fingerprint(current);
                    boolean isReleased = released.stream().anyMatch(s -> PaywatchSchemaStore.fingerprint(s) == fp);
                    if (!isReleased && Boolean.getBoolean("paywatch.schemas.release")) {
                        snapshot(current, released.size() + 1);
                        isReleased = true;
                    }
                    for (int i = 0; i < released.size(); i++) {
                        boolean latest = i == released.size() - 1;
                        assertThat(incompatibilities(released.get(i), current, latest))
                                .as("%s v%d -> current", current.getName(), i + 1).isEmpty();
                    }
                    assertThat(isReleased)
                            .as("%s changed but is not released; snapshot it with -Dpaywatch.schemas.release=true",
                                    current.getName())
                            .isTrue();
                }));
    }

    @Test
    void checkCatchesAFieldAddedWithoutDefault() {
        Schema v1 = parse("""
                {"type":"record","name":"R","namespace":"io.paywatch.t","doc":"d","fields":[
                 {"name":"a","type":"string","doc":"d"}]}""");
        Schema v2 = parse("""
                {"type":"record","name":"R","namespace":"io.paywatch.t","doc":"d","fields":[
                 {"name":"a","type":"string","doc":"d"},{"name":"b","type":"int","doc":"d"}]}""");
        assertThat(incompatibilities(v1, v2, false)).singleElement().asString().startsWith("BACKWARD");
    }

    @Test
    void checkCatchesAFieldRemovedWithoutDefault() {
        Schema v1 = parse("""
                {"type":"record","name":"R","namespace":"io.paywatch.t","doc":"d","fields":[
                 {"name":"a","type":"string","doc":"d"},{"name":"b","type":"int","doc":"d"}]}""");
        Schema v2 = parse("""
                {"type":"record","name":"R","namespace":"io.paywatch.t","doc":"d","fields":[
                 {"name":"a","type":"string","doc":"d"}]}""");
        // A consumer still on v1 needs b and finds neither a value nor a default in v2 data.
        assertThat(incompatibilities(v1, v2, true)).singleElement().asString().startsWith("FORWARD");
    }

    @Test
    void removingAFieldThatHadADefaultIsAccepted() {
        Schema v1 = parse("""
                {"type":"record","name":"R","namespace":"io.paywatch.t","doc":"d","fields":[
                 {"name":"a","type":"string","doc":"d"},{"name":"b","type":["null","int"],"default":null,"doc":"d"}]}""");
        Schema v2 = parse("""
                {"type":"record","name":"R","namespace":"io.paywatch.t","doc":"d","fields":[
                 {"name":"a","type":"string","doc":"d"}]}""");
        assertThat(incompatibilities(v1, v2, true)).isEmpty();
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    private static void snapshot(Schema current, int version) throws IOException {
        String relative = current.getName() + "/v" + version + ".avsc";
        Path file = RELEASED_DIR.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, current.toString(true) + "\n", StandardCharsets.UTF_8);
        Files.writeString(RELEASED_DIR.resolve("INDEX"), relative + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("[schemas] released " + relative);
    }
}
