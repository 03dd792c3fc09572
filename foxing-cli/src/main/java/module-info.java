/** The {@code fxcp} command line. Not an API: embed {@code io.foxing.copy} instead. */
module io.foxing.cli {
  requires io.foxing.copy;
  requires io.foxing.merkle;
  requires io.foxing.fxar;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;

  opens io.foxing.cli to info.picocli;

  uses io.foxing.api.spi.TargetProvider;
}
