import { createApp } from 'vue';
import App from './App.vue';

createApp(App, { uploadUrl: location.origin }).mount('#app');
