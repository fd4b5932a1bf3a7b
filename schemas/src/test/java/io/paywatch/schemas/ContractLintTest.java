package io.paywatch.schemas;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Enforces the house rules of the contract: namespaces, docs, enum defaults, no floating-point money. */
class ContractLintTest {

    @Test
    void everyNamedTypeHasANamespaceAndDocAndEveryEnumADefault() {
        Set<String> seen = new HashSet<>();
        PaywatchSchemaStore.TOP_LEVEL.values().forEach(s -> walk(s, seen));
        assertThat(seen).contains("io.paywatch.contract.Money", "io.paywatch.contract.AlertType");
    }

    private static void walk(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                assertThat(schema.getNamespace()).as(schema.getName() + " namespace").startsWith("io.paywatch.");
                assertThat(schema.getDoc()).as(schema.getName() + " doc").isNotBlank();
                for (Schema.Field f : schema.getFields()) {
                    assertThat(f.doc()).as(schema.getName() + "." + f.name() + " doc").isNotBlank();
                    boolean moneyLike = f.name().toLowerCase().contains("amount") || f.name().equals("outstanding");
                    if (moneyLike) {
                        assertThat(f.schema().toString()).as(f.name() + " is money, never a double")
                                .doesNotContain("\"double\"").doesNotContain("\"float\"");
                    }
                    if (f.schema().isNullable() && f.schema().getType() == Schema.Type.UNION) {
                        assertThat(f.hasDefaultValue()).as(schema.getName() + "." + f.name() + " optional needs default")
                                .isTrue();
                    }
                    walk(f.schema(), seen);
                }
            }
            case ENUM -> {
                if (seen.add(schema.getFullName())) {
                    assertThat(schema.getEnumDefault()).as(schema.getName() + " enum default").isNotNull();
                    assertThat(schema.getDoc()).as(schema.getName() + " doc").isNotBlank();
                }
            }
            case UNION -> schema.getTypes().forEach(t -> walk(t, seen));
            case ARRAY -> walk(schema.getElementType(), seen);
            case MAP -> walk(schema.getValueType(), seen);
            default -> {
            }
        }
    }
}
