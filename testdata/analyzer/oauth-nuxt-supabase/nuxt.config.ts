export default defineNuxtConfig({
  modules: ["@nuxtjs/supabase"],
});
