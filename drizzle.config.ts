import { defineConfig } from 'drizzle-kit';

// Migrations are generated into resources/migrations and committed (DESIGN §2).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/main/core/store/schema.ts',
  out: './resources/migrations',
});
