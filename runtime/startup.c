/* startup.c - Minimal Cortex-M startup for dnp firmware.
 *
 * Vector table, reset handler (FPU on, .data copied, .bss zeroed, main
 * called), a SysTick handler that extends the 24-bit SysTick counter, and
 * fault handlers that report through semihosting. Works on any ARMv7-M or
 * ARMv8-M Mainline core with an FPU (Cortex-M4, M7, M33, M55); the symbols
 * it needs come from the linker scripts in linker/.
 */
#include <stdint.h>

extern uint32_t __stack_top;
extern uint32_t __data_load, __data_start, __data_end;
extern uint32_t __bss_start, __bss_end;

int main(void);
void dnp_rt_exit(int code) __attribute__((noreturn));
void dnp_rt_fault(const char *what, uint32_t cfsr, uint32_t hfsr)
    __attribute__((noreturn));

/* Incremented on every SysTick wrap (see dnp_rt_ticks in harness.c). */
volatile uint32_t dnp_rt_systick_wraps;

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)

void Reset_Handler(void) __attribute__((noreturn));
void Reset_Handler(void) {
  /* Full access to CP10/CP11: the FPU (and MVE on Armv8.1-M). Must happen
   * before any floating-point instruction, including in the copy loops a
   * compiler might vectorise. */
  SCB_CPACR |= (0xFu << 20);
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  uint32_t *src = &__data_load, *dst = &__data_start;
  while (dst < &__data_end)
    *dst++ = *src++;
  for (dst = &__bss_start; dst < &__bss_end;)
    *dst++ = 0;

  dnp_rt_exit(main());
}

void SysTick_Handler(void) { ++dnp_rt_systick_wraps; }

void HardFault_Handler(void) { dnp_rt_fault("hard fault", SCB_CFSR, SCB_HFSR); }
void MemManage_Handler(void) { dnp_rt_fault("memory management fault", SCB_CFSR, SCB_HFSR); }
void BusFault_Handler(void) { dnp_rt_fault("bus fault", SCB_CFSR, SCB_HFSR); }
void UsageFault_Handler(void) { dnp_rt_fault("usage fault", SCB_CFSR, SCB_HFSR); }
void Default_Handler(void) { dnp_rt_fault("unexpected interrupt", SCB_CFSR, SCB_HFSR); }

typedef void (*handler_t)(void);

/* 16 system exceptions + 16 external interrupts (unused, all default). */
__attribute__((section(".vectors"), used)) const handler_t dnp_rt_vectors[32] = {
    (handler_t)(uintptr_t)&__stack_top,
    Reset_Handler,
    Default_Handler,    /* NMI */
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    Default_Handler,    /* SecureFault (ARMv8-M) */
    0, 0, 0,
    Default_Handler,    /* SVCall */
    Default_Handler,    /* DebugMonitor */
    0,
    Default_Handler,    /* PendSV */
    SysTick_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};
